using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Crypto.Tests.Claims;

/// <summary>
/// specs/protocol.md §1.10: all key material, seeds, Shamir coefficients, rounding bits and noise come from the
/// operating system's CSPRNG, and buffered draws are zeroed once consumed.
/// </summary>
public sealed class RandomnessClaimsTests
{
    private static readonly Assembly CryptoAssembly = typeof(SecureRandom).Assembly;

    [Fact]
    public void CryptoAssembly_ReferencesNoNonCryptographicGenerator()
    {
        // A System.Random (or its shared instance) anywhere in the library would be a second source of randomness.
        using var stream = File.OpenRead(CryptoAssembly.Location);
        using var pe = new PEReader(stream);
        MetadataReader metadata = pe.GetMetadataReader();
        string[] references = [.. metadata.TypeReferences.Select(h => metadata.GetTypeReference(h)).Select(t => $"{metadata.GetString(t.Namespace)}.{metadata.GetString(t.Name)}")];

        Assert.Contains("System.Security.Cryptography.RandomNumberGenerator", references);
        Assert.DoesNotContain("System.Random", references);
    }

    [Fact]
    public void CryptoAssembly_TheOnlyRandomSourceIsTheOperatingSystemsCsprng()
    {
        // Every sampler takes an IRandomSource; in the shipped library SecureRandom (RandomNumberGenerator) is the only one.
        Type[] sources = [.. CryptoAssembly.GetTypes().Where(t => typeof(IRandomSource).IsAssignableFrom(t) && !t.IsInterface)];

        Assert.Equal([typeof(SecureRandom)], sources);
    }

    [Fact]
    public void SecureRandom_DrawnWords_AreZeroedInItsBuffer()
    {
        using var random = new SecureRandom();
        byte[] buffer = (byte[])typeof(SecureRandom).GetField("_buffer", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(random)!;
        int drawn = 0;
        for (int i = 0; i < 64; i++)
        {
            _ = random.NextUInt64();
            drawn += sizeof(ulong);
        }

        Assert.All(buffer.Take(drawn), b => Assert.Equal(0, b));

        // The rest of the buffer still holds undrawn randomness (4,032 bytes are all zero with probability 2^-32256).
        Assert.Contains(buffer.Skip(drawn), b => b != 0);
    }
}
