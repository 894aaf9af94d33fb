package io.summit.dr.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpHeadTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void parsesThePipelinedRequestsOfTheRouterTest() throws Exception {
    String one = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n";
    String last = "GET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ByteBuf buf =
        Unpooled.copiedBuffer(one + one.replace("/1 ", "/2 ") + last, StandardCharsets.ISO_8859_1);
    HeadFinder f = new HeadFinder(true);
    for (String path : new String[] {"/1", "/2", "/3"}) {
      int n = f.find(buf);
      byte[] b = new byte[n];
      buf.readBytes(b);
      HttpHead h = HttpHead.parseRequest(b);
      assertThat(h.target()).isEqualTo(path);
    }
  }
}
