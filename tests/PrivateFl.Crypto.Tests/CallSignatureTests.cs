using System.Security.Cryptography;
using FsCheck.Xunit;

namespace PrivateFl.Crypto.Tests;

/// <summary>The server verifies from a body hash it computed while streaming; it must sign the same bytes as the SDK.</summary>
public sealed class CallSignatureTests
{
    [Property(MaxTest = 200)]
    public bool PayloadForBodyHash_HashOfTheBody_SameAsPayload(string method, string clientId, long timestamp, byte[] body)
    {
        method ??= string.Empty;
        clientId ??= string.Empty;
        body ??= [];
        byte[] nonce = RandomNumberGenerator.GetBytes(CallSignature.NonceSize);

        return CallSignature.PayloadForBodyHash(method, clientId, timestamp, nonce, SHA256.HashData(body))
            .AsSpan().SequenceEqual(CallSignature.Payload(method, clientId, timestamp, nonce, body));
    }

    /// <summary>The header value is the body's SHA-256 as exactly 64 lowercase hex digits (specs/api.md), the one form the server accepts.</summary>
    [Property(MaxTest = 200)]
    public bool BodyHashHeaderValue_AnyBody_SixtyFourLowercaseHexDigitsOfItsSha256(byte[] body)
    {
        body ??= [];

        string value = CallSignature.BodyHashHeaderValue(body);

        return value.Length == 64 && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'))
            && Convert.FromHexString(value).AsSpan().SequenceEqual(SHA256.HashData(body));
    }

    [Fact]
    public void PayloadForBodyHash_HashNot32Bytes_ThrowsNamingIt()
    {
        Assert.Throws<ArgumentException>("bodySha256", () => CallSignature.PayloadForBodyHash("/m", "c", 0, new byte[16], new byte[31]));
    }
}
