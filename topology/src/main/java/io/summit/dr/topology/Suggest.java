package io.summit.dr.topology;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean" hints for misspelt names, by edit distance. */
final class Suggest {
  private Suggest() {}

  /** {@code " (did you mean 'x'?)"} when a candidate is close to {@code word}, else "". */
  static String didYouMean(String word, Collection<String> candidates) {
    return closest(word, candidates).map(c -> " (did you mean '" + c + "'?)").orElse("");
  }

  static Optional<String> closest(String word, Collection<String> candidates) {
    int allowed = Math.max(1, Math.min(3, word.length() / 3));
    return candidates.stream()
        .filter(c -> distance(word, c) <= allowed)
        .min(Comparator.comparingInt((String c) -> distance(word, c)).thenComparing(c -> c));
  }

  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
