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
/// a fresh nonce, the SHA-256 of the request body and an Ed25519 signature over them and the method. The request is
/// serialised once; the hash covers those bytes and the call sends exactly those bytes, because the server checks
/// the hash against the message as received on the wire (after it verified the signature from the headers alone).
/// </summary>
internal sealed class CallSigningInterceptor(string clientId, SigningKey identityKey, TimeProvider time) : Interceptor
{

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        long timestamp = time.GetUtcNow().ToUnixTimeMilliseconds();
        byte[] nonce = RandomNumberGenerator.GetBytes(CallSignature.NonceSize);
        Marshaller<TRequest> marshaller = context.Method.RequestMarshaller;
        byte[] body = Serialize(request);
        byte[] signature = identityKey.Sign(CallSignature.Payload(context.Method.FullName, clientId, timestamp, nonce, body));
        Metadata headers = context.Options.Headers ?? [];
        headers.Add(CallSignature.ClientHeader, clientId);
        headers.Add(CallSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        headers.Add(CallSignature.NonceHeader, Convert.ToHexStringLower(nonce));
        headers.Add(CallSignature.BodyHashHeader, CallSignature.BodyHashHeaderValue(body));
        headers.Add(CallSignature.SignatureHeader, Convert.ToBase64String(signature));
        var sendSigned = new Method<TRequest, TResponse>(
            context.Method.Type,
            context.Method.ServiceName,
            context.Method.Name,
            Marshallers.Create(message => ReferenceEquals(message, request) ? body : Serialize(message), marshaller.Deserializer),
            context.Method.ResponseMarshaller);
        var signed = new ClientInterceptorContext<TRequest, TResponse>(sendSigned, context.Host, context.Options.WithHeaders(headers));
        return continuation(request, signed);
    }

    private static byte[] Serialize<TRequest>(TRequest request) =>
        request is IMessage message ? message.ToByteArray() : throw new ArgumentException($"{typeof(TRequest).Name} is not a protobuf message.", nameof(request));
}
