using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>
/// Signs every call with the client's identity key (specs/api.md, "Authentication"): client id, timestamp,
/// a fresh nonce and an Ed25519 signature over them, the method and the request body.
/// </summary>
internal sealed class CallSigningInterceptor(string clientId, SigningKey identityKey, TimeProvider time) : Interceptor
{

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        long timestamp = time.GetUtcNow().ToUnixTimeMilliseconds();
        byte[] nonce = RandomNumberGenerator.GetBytes(CallSignature.NonceSize);
        byte[] body = (request as IMessage)?.ToByteArray() ?? [];
        byte[] signature = identityKey.Sign(CallSignature.Payload(context.Method.FullName, clientId, timestamp, nonce, body));
        Metadata headers = context.Options.Headers ?? [];
        headers.Add(CallSignature.ClientHeader, clientId);
        headers.Add(CallSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        headers.Add(CallSignature.NonceHeader, Convert.ToHexStringLower(nonce));
        headers.Add(CallSignature.SignatureHeader, Convert.ToBase64String(signature));
        var signed = new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
        return continuation(request, signed);
    }
}
