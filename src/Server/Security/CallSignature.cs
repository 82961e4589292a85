using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PrivateFl.Server.Security;

/// <summary>
/// The per-call authentication of enrolled clients (specs/api.md, "Authentication"): each call carries the
/// client id, a timestamp, a fresh nonce and an Ed25519 signature over them, the method and the request body.
/// </summary>
internal static class CallSignature
{
    public const string ClientHeader = "x-privatefl-client";
    public const string TimestampHeader = "x-privatefl-timestamp";
    public const string NonceHeader = "x-privatefl-nonce";
    public const string SignatureHeader = "x-privatefl-signature";
    public const int NonceSize = 16;
    private const string Domain = "privatefl/v1/call";

    /// <summary>ASCII(domain) || 0 || UTF8(method) || 0 || UTF8(client) || 0 || int64_le(ms) || nonce || SHA-256(body).</summary>
    public static byte[] Payload(string method, string clientId, long timestampMs, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> body)
    {
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
        SHA256.HashData(body, payload.AsSpan(position));
        return payload;
    }
}
