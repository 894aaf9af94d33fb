/**
 * Who may call the control APIs. A server holds an {@link AccessList} (names, roles, token hashes)
 * and a {@link Policy} (the role each of its requests needs); {@link Guard} admits a request or
 * answers it 401 or 403 with an RFC 9457 problem. A client holds a {@link BearerToken}. Every
 * secret comes from a file only its owner may read ({@link SecretFile}).
 */
@NullMarked
package io.summit.dr.access;

import org.jspecify.annotations.NullMarked;
