using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PrivateFl.Crypto.Internal;

namespace PrivateFl.Crypto.Primitives;

/// <summary>
/// Shamir secret sharing (Shamir 1979) of 32-byte secrets over GF(2^61 − 1), threshold t of up to
/// <see cref="MaxShares"/> holders (specs/protocol.md, "Secret sharing").
/// </summary>
/// <remarks>
/// The secret is read as eight little-endian 32-bit words; each word is the constant term of its own
/// random polynomial of degree t − 1. Any t shares give the secret; any t − 1 are uniformly distributed
/// whatever the secret. A prime field of 61 bits, unlike byte-wise GF(2^8), allows far more than 255
/// holders, and reconstruction checks that every word is below 2^32, which catches corrupted shares.
/// </remarks>
public static class Shamir
{
    /// <summary>The size of a secret, in bytes.</summary>
    public const int SecretSize = 32;

    /// <summary>The largest holder index (and so the largest number of holders).</summary>
    public const int MaxShares = 1 << 20;

    /// <summary>Splits a secret among holders 1 … <paramref name="shareCount"/>.</summary>
    /// <param name="secret">The 32-byte secret.</param>
    /// <param name="threshold">How many shares reconstruct the secret; 1 to <paramref name="shareCount"/>.</param>
    /// <param name="shareCount">How many shares to make.</param>
    /// <returns>The shares, holder i at position i − 1.</returns>
    /// <exception cref="ArgumentException">The secret is not 32 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The threshold or the count is out of range.</exception>
    public static ShamirShare[] Split(ReadOnlySpan<byte> secret, int threshold, int shareCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shareCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shareCount, MaxShares);
        int[] indices = new int[shareCount];
        for (int i = 0; i < shareCount; i++)
        {
            indices[i] = i + 1;
        }

        return Split(secret, threshold, indices);
    }

    /// <summary>Splits a secret among the holders with the given distinct indices.</summary>
    /// <param name="secret">The 32-byte secret.</param>
    /// <param name="threshold">How many shares reconstruct the secret; 1 to the number of indices.</param>
    /// <param name="indices">The holders' distinct indices, each 1 to <see cref="MaxShares"/>.</param>
    /// <returns>One share per index, in the order given.</returns>
    /// <exception cref="ArgumentException">The secret is not 32 bytes, or an index is repeated.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The threshold or an index is out of range.</exception>
    public static ShamirShare[] Split(ReadOnlySpan<byte> secret, int threshold, ReadOnlySpan<int> indices)
    {
        using var random = new SecureRandom();
        return Split(secret, threshold, indices, random);
    }

    internal static ShamirShare[] Split(ReadOnlySpan<byte> secret, int threshold, ReadOnlySpan<int> indices, IRandomSource random)
    {
        if (secret.Length != SecretSize)
        {
            throw new ArgumentException($"A secret is {SecretSize} bytes; got {secret.Length}.", nameof(secret));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, indices.Length);
        ValidateDistinctIndices(indices);

        var shares = new ShamirShare[indices.Length];
        var limbs = new ulong[indices.Length][];
        for (int h = 0; h < indices.Length; h++)
        {
            limbs[h] = new ulong[ShamirShare.LimbCount];
        }

        Span<ulong> coefficients = threshold <= 256 ? stackalloc ulong[threshold] : new ulong[threshold];
        try
        {
            for (int limb = 0; limb < ShamirShare.LimbCount; limb++)
            {
                coefficients[0] = BinaryPrimitives.ReadUInt32LittleEndian(secret[(limb * sizeof(uint))..]);
                for (int c = 1; c < threshold; c++)
                {
                    coefficients[c] = random.NextBelow(MersenneField61.P);
                }

                for (int h = 0; h < indices.Length; h++)
                {
                    limbs[h][limb] = PolynomialSharing<MersenneField61>.Evaluate(coefficients, (ulong)indices[h]);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(coefficients));
        }

        for (int h = 0; h < indices.Length; h++)
        {
            shares[h] = new ShamirShare(indices[h], limbs[h]);
        }

        return shares;
    }

    /// <summary>
    /// Reconstructs a secret from at least <paramref name="threshold"/> shares with distinct indices, in any
    /// order. The first <paramref name="threshold"/> shares determine the secret; every further share is
    /// checked against them.
    /// </summary>
    /// <param name="shares">The shares.</param>
    /// <param name="threshold">The threshold the secret was split with.</param>
    /// <param name="secret">Receives the 32-byte secret.</param>
    /// <exception cref="ArgumentException">Fewer than <paramref name="threshold"/> shares, an index repeated, or the destination is not 32 bytes.</exception>
    /// <exception cref="SecretSharingException">The shares are inconsistent or do not encode a 32-byte secret.</exception>
    public static void Reconstruct(IReadOnlyList<ShamirShare> shares, int threshold, Span<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        if (secret.Length != SecretSize)
        {
            throw new ArgumentException($"The secret buffer must be {SecretSize} bytes; got {secret.Length}.", nameof(secret));
        }

        if (shares.Count < threshold)
        {
            throw new ArgumentException($"Reconstruction needs at least {threshold} shares; got {shares.Count}.", nameof(shares));
        }

        int[] indices = new int[shares.Count];
        for (int i = 0; i < shares.Count; i++)
        {
            indices[i] = (shares[i] ?? throw new ArgumentException($"Share {i} is null.", nameof(shares))).Index;
        }

        ValidateDistinctIndices(indices, nameof(shares));

        ulong[] xs = new ulong[threshold];
        for (int i = 0; i < threshold; i++)
        {
            xs[i] = (ulong)indices[i];
        }

        ulong[] weights = new ulong[threshold];
        ulong[] scratch = new ulong[threshold];
        ulong[] ys = new ulong[threshold];
        PolynomialSharing<MersenneField61>.BarycentricWeights(xs, weights);
        try
        {
            for (int limb = 0; limb < ShamirShare.LimbCount; limb++)
            {
                for (int i = 0; i < threshold; i++)
                {
                    ys[i] = shares[i].Limbs[limb];
                }

                ulong word = PolynomialSharing<MersenneField61>.Interpolate(xs, weights, ys, 0, scratch);
                if (word > uint.MaxValue)
                {
                    throw new SecretSharingException("The shares do not encode a 32-byte secret: at least one share is corrupted or forged.");
                }

                BinaryPrimitives.WriteUInt32LittleEndian(secret[(limb * sizeof(uint))..], (uint)word);
                for (int extra = threshold; extra < shares.Count; extra++)
                {
                    ulong expected = PolynomialSharing<MersenneField61>.Interpolate(xs, weights, ys, (ulong)indices[extra], scratch);
                    if (expected != shares[extra].Limbs[limb])
                    {
                        throw new SecretSharingException($"Share #{indices[extra]} is inconsistent with the other shares.");
                    }
                }
            }
        }
        catch
        {
            CryptographicOperations.ZeroMemory(secret);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(ys.AsSpan()));
        }
    }

    private static void ValidateDistinctIndices(ReadOnlySpan<int> indices, string parameterName = "indices")
    {
        var seen = new HashSet<int>(indices.Length);
        foreach (int index in indices)
        {
            if (index is <= 0 or > MaxShares)
            {
                throw new ArgumentOutOfRangeException(parameterName, index, $"A share index must be 1 to {MaxShares}.");
            }

            if (!seen.Add(index))
            {
                throw new ArgumentException($"Share index {index} appears more than once.", parameterName);
            }
        }
    }
}
