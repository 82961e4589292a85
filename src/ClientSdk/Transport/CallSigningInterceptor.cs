using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>
/// Signs every call with the client's identity key (specs/api.md, "Authentication"): client id, timestamp,
/// a fresh nonce and an Ed25519 signature over them, the method and the request body.
/// </summary>
internal sealed class CallSigningInterceptor(string clientId, SigningKey identityKey, TimeProvider time) : Interceptor
{
    private const string Domain = "privatefl/v1/call";
    private const int NonceSize = 16;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        long timestamp = time.GetUtcNow().ToUnixTimeMilliseconds();
        byte[] nonce = RandomNumberGenerator.GetBytes(NonceSize);
        byte[] body = (request as IMessage)?.ToByteArray() ?? [];
        byte[] signature = identityKey.Sign(Payload(context.Method.FullName, clientId, timestamp, nonce, body));
        Metadata headers = context.Options.Headers ?? [];
        headers.Add("x-privatefl-client", clientId);
        headers.Add("x-privatefl-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        headers.Add("x-privatefl-nonce", Convert.ToHexStringLower(nonce));
        headers.Add("x-privatefl-signature", Convert.ToBase64String(signature));
        var signed = new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
        return continuation(request, signed);
    }

    /// <summary>ASCII(domain) || 0 || UTF8(method) || 0 || UTF8(client) || 0 || int64_le(ms) || nonce || SHA-256(body).</summary>
    internal static byte[] Payload(string method, string clientId, long timestampMs, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> body)
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
