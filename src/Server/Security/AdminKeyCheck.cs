using System.Security.Cryptography;
using System.Text;

namespace PrivateFl.Server.Security;

/// <summary>Compares a presented admin API key with the configured one.</summary>
internal static class AdminKeyCheck
{
    /// <summary>
    /// True if the keys are equal. Both are hashed (SHA-256) and the digests compared in fixed time, so neither the
    /// position of the first difference nor the configured key's length shows in the time taken (a length check before
    /// a fixed-time compare would answer a wrong-length guess sooner).
    /// </summary>
    public static bool Matches(string configured, string presented)
    {
        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(configured), expected);
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), actual);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
