using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PrivateFl.Crypto;

/// <summary>
/// The per-call authentication of enrolled clients (specs/api.md, "Authentication"): each gRPC call carries the client
/// id, a timestamp, a fresh nonce, the SHA-256 of its request body and an Ed25519 signature over them and the method.
/// The SDK signs and the server verifies this same byte string.
/// </summary>
/// <remarks>
/// The body's hash travels in a header (<see cref="BodyHashHeader"/>) so that the server can verify the signature
/// before it reads a byte of the body, and then only checks the body it reads against the signed hash (issue 10,
/// "Unauthenticated memory growth").
/// </remarks>
public static class CallSignature
{
    /// <summary>The metadata entry holding the client id.</summary>
    public const string ClientHeader = "x-privatefl-client";

    /// <summary>The metadata entry holding the Unix time in milliseconds.</summary>
    public const string TimestampHeader = "x-privatefl-timestamp";

    /// <summary>The metadata entry holding the nonce, lowercase hex.</summary>
    public const string NonceHeader = "x-privatefl-nonce";

    /// <summary>The metadata entry holding the base64 signature.</summary>
    public const string SignatureHeader = "x-privatefl-signature";

    /// <summary>The metadata entry holding SHA-256 of the request message bytes, exactly 64 lowercase hex digits.</summary>
    public const string BodyHashHeader = "x-privatefl-body-sha256";

    /// <summary>The size of a nonce, in bytes.</summary>
    public const int NonceSize = 16;

    private const string Domain = "privatefl/v1/call";

    /// <summary>The signed byte string: ASCII(domain) ‖ 0 ‖ UTF8(method) ‖ 0 ‖ UTF8(client) ‖ 0 ‖ int64_le(ms) ‖ nonce ‖ SHA-256(body).</summary>
    /// <param name="method">The full gRPC method path, for example <c>/privatefl.v1.Federation/AdvertiseKeys</c>.</param>
    /// <param name="clientId">The enrolled client id.</param>
    /// <param name="timestampMs">Unix time in milliseconds.</param>
    /// <param name="nonce">The call's nonce.</param>
    /// <param name="body">The request message bytes exactly as sent on the wire (after the 5-byte gRPC prefix), not a re-serialisation.</param>
    /// <returns>The payload to sign or verify.</returns>
    public static byte[] Payload(string method, string clientId, long timestampMs, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> body)
    {
        Span<byte> bodyHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, bodyHash);
        return PayloadForBodyHash(method, clientId, timestampMs, nonce, bodyHash);
    }

    /// <summary>The value of <see cref="BodyHashHeader"/> for a request: SHA-256 of its message bytes as 64 lowercase hex digits.</summary>
    /// <param name="body">The request message bytes exactly as sent on the wire (after the 5-byte gRPC prefix).</param>
    /// <returns>The header value.</returns>
    public static string BodyHashHeaderValue(ReadOnlySpan<byte> body)
    {
        Span<byte> bodyHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, bodyHash);
        return Convert.ToHexStringLower(bodyHash);
    }

    /// <summary>The same signed byte string as <see cref="Payload"/>, from the SHA-256 of the body given separately.</summary>
    /// <remarks>The server verifies a call from its headers alone: the hash is the one <see cref="BodyHashHeader"/> decodes to, and the body is checked against it once the signature verified.</remarks>
    /// <param name="method">The full gRPC method path.</param>
    /// <param name="clientId">The client id the call claims.</param>
    /// <param name="timestampMs">Unix time in milliseconds.</param>
    /// <param name="nonce">The call's nonce.</param>
    /// <param name="bodySha256">SHA-256 of the request message bytes as sent on the wire.</param>
    /// <returns>The payload to sign or verify.</returns>
    /// <exception cref="ArgumentException"><paramref name="bodySha256"/> is not 32 bytes.</exception>
    public static byte[] PayloadForBodyHash(string method, string clientId, long timestampMs, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> bodySha256)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(clientId);
        if (bodySha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"The body hash must be {SHA256.HashSizeInBytes} bytes; got {bodySha256.Length}.", nameof(bodySha256));
        }

        byte[] methodBytes = System.Text.Encoding.UTF8.GetBytes(method);
        byte[] clientBytes = System.Text.Encoding.UTF8.GetBytes(clientId);
        byte[] payload = new byte[Domain.Length + 1 + methodBytes.Length + 1 + clientBytes.Length + 1 + sizeof(long) + nonce.Length + SHA256.HashSizeInBytes];
        int position = System.Text.Encoding.ASCII.GetBytes(Domain, payload);
        payload[position++] = 0;
        methodBytes.CopyTo(payload, position);
        position += methodBytes.Length;
        payload[position++] = 0;
        clientBytes.CopyTo(payload, position);
        position += clientBytes.Length;
        payload[position++] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(position), timestampMs);
        position += sizeof(long);
        nonce.CopyTo(payload.AsSpan(position));
        position += nonce.Length;
        bodySha256.CopyTo(payload.AsSpan(position));
        return payload;
    }
}
