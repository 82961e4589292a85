using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace PrivateFl.IntegrationTests.Claims;

/// <summary>
/// A server interceptor that keeps the round data the banks send which SECURITY.md says the server never stores or
/// logs: masked inputs, encrypted shares, revealed shares and their salts, complaint and pair points.
/// </summary>
internal sealed class RoundSecretsCapture : Interceptor
{
    private readonly ConcurrentBag<(string Kind, byte[] Bytes)> _secrets;

    public RoundSecretsCapture(ConcurrentBag<(string Kind, byte[] Bytes)> secrets) => _secrets = secrets;

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        // The server compiles its own copy of the message types, so they are read by descriptor, not by CLR type.
        if (request is IMessage message)
        {
            switch (message.Descriptor.Name)
            {
                case "MaskedInputRequest":
                    Keep("masked input", message, "masked_vector");
                    KeepEach("complaint point", message, "complaints", "shared_point");
                    break;
                case "ShareKeysRequest":
                    KeepEach("encrypted share", message, "shares", "ciphertext");
                    break;
                case "UnmaskRequest":
                    KeepEach("revealed share", message, "shares", "share");
                    KeepEach("share salt", message, "shares", "salt");
                    KeepEach("pair point", message, "pair_points", "shared_point");
                    break;
            }
        }

        return continuation(request, context);
    }

    private void KeepEach(string kind, IMessage message, string repeated, string field)
    {
        foreach (IMessage item in ((System.Collections.IEnumerable)message.Descriptor.FindFieldByName(repeated).Accessor.GetValue(message)).Cast<IMessage>())
        {
            Keep(kind, item, field);
        }
    }

    private void Keep(string kind, IMessage message, string field)
    {
        var bytes = (ByteString)message.Descriptor.FindFieldByName(field).Accessor.GetValue(message);
        if (bytes.Length >= 16)
        {
            _secrets.Add((kind, bytes.ToByteArray()));
        }
    }
}
