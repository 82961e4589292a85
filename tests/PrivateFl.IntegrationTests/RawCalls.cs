using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.IntegrationTests;

/// <summary>Hand-built gRPC calls: messages as raw bytes, signed over exactly those bytes, or whole raw HTTP/2 bodies.</summary>
internal static class RawCalls
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    /// <summary>The five signing headers for <paramref name="message"/> as it goes on the wire.</summary>
    public static Metadata Sign(string method, string clientId, SigningKey key, ReadOnlySpan<byte> message, long? timestamp = null)
    {
        long ms = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        byte[] nonce = RandomNumberGenerator.GetBytes(CallSignature.NonceSize);
        byte[] signature = key.Sign(CallSignature.Payload(method, clientId, ms, nonce, message));
        return new Metadata
        {
            { CallSignature.ClientHeader, clientId },
            { CallSignature.TimestampHeader, ms.ToString(CultureInfo.InvariantCulture) },
            { CallSignature.NonceHeader, Convert.ToHexStringLower(nonce) },
            { CallSignature.BodyHashHeader, CallSignature.BodyHashHeaderValue(message) },
            { CallSignature.SignatureHeader, Convert.ToBase64String(signature) },
        };
    }

    /// <summary>Sends <paramref name="message"/> byte for byte as the request of <paramref name="method"/> (e.g. <c>/privatefl.v1.Federation/GetModel</c>).</summary>
    public static async Task<byte[]> UnaryAsync(GrpcChannel channel, string method, byte[] message, Metadata headers, DateTime? deadline = null)
    {
        string[] parts = method.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var definition = new Method<byte[], byte[]>(MethodType.Unary, parts[0], parts[1], Bytes, Bytes);
        return await channel.CreateCallInvoker().AsyncUnaryCall(definition, null, new CallOptions(headers, deadline), message);
    }

    /// <summary>Posts <paramref name="body"/> as the whole HTTP/2 request body and returns the gRPC status and its details.</summary>
    public static async Task<(StatusCode Code, Google.Rpc.Status? Details)> PostAsync(HttpClient http, Uri server, string method, Metadata headers, HttpContent body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, method)) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Content = body };
        body.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (Metadata.Entry entry in headers)
        {
            request.Headers.TryAddWithoutValidation(entry.Key, entry.Value);
        }

        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        HttpHeaders source = response.Headers.Contains("grpc-status") ? response.Headers : response.TrailingHeaders;
        var code = (StatusCode)int.Parse(source.GetValues("grpc-status").First(), CultureInfo.InvariantCulture);
        Google.Rpc.Status? details = source.TryGetValues("grpc-status-details-bin", out IEnumerable<string>? values)
            ? Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(Pad(values.First())))
            : null;
        return (code, details);
    }

    /// <summary>A gRPC frame: the 5-byte prefix (flag, big-endian length) and the message.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message, bool compressed = false, uint? announcedLength = null)
    {
        byte[] frame = new byte[5 + message.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), announcedLength ?? (uint)message.Length);
        message.CopyTo(frame.AsSpan(5));
        return frame;
    }

    public static HttpClient Http2() => new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact, Timeout = TimeSpan.FromMinutes(2) };

    public static T? Detail<T>(Google.Rpc.Status? status)
        where T : class, IMessage<T>, new() =>
        status?.Details.Select(d => d.Is(new T().Descriptor) ? d.Unpack<T>() : null).FirstOrDefault(d => d is not null);

    private static string Pad(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
}
