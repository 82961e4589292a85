using System.Buffers.Binary;
using System.Security.Cryptography;
using FsCheck.Xunit;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

public sealed class PairwiseKeysTests
{
    private static readonly RoundIdentity Round = new("pair-session", 7, SHA256.HashData("graph"u8));

    [Fact]
    public void PairContext_EitherOrder_IsContextThenLowerEndThenHigherEnd()
    {
        byte[] keyOf3 = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        byte[] keyOf9 = [.. Enumerable.Range(0, 32).Select(i => (byte)(0x40 + i))];
        byte[] expected = [.. Round.Context, 3, 0, 0, 0, .. keyOf3, 9, 0, 0, 0, .. keyOf9];

        Assert.Equal(expected, PairwiseKeys.PairContext(Round, 3, keyOf3, 9, keyOf9));
        Assert.Equal(expected, PairwiseKeys.PairContext(Round, 9, keyOf9, 3, keyOf3));
        Assert.Equal(Round.Context.Length + 72, expected.Length);
    }

    [Fact]
    public void DeriveMaskSeed_KnownKeys_EqualsHkdfOverTheSpecifiedInfo()
    {
        // specs/protocol.md §2.4, computed independently: HKDF-SHA256(X25519, salt = "", info = label || 0x00 || pair context).
        using var a = KeyAgreementKey.Import(Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        using var b = KeyAgreementKey.Import(Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        byte[] shared = Convert.FromHexString("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"); // RFC 7748 §6.1
        byte[] info = [.. "privatefl/v1/mask-seed"u8, 0, .. Round.Context, 2, 0, 0, 0, .. b.PublicKey, 5, 0, 0, 0, .. a.PublicKey];
        byte[] expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, [], info);
        byte[] seed = new byte[32];

        PairwiseKeys.DeriveMaskSeed(a, 5, a.PublicKey, 2, b.PublicKey, Round, seed);

        Assert.Equal(expected, seed);
    }

    [Fact]
    public void DeriveShareKey_KnownKeys_EqualsHkdfOverTheSpecifiedInfo()
    {
        using var a = KeyAgreementKey.Import(Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        using var b = KeyAgreementKey.Import(Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        byte[] shared = Convert.FromHexString("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        byte[] info = [.. "privatefl/v1/share-key"u8, 0, .. Round.Context, 1, 0, 0, 0, .. a.PublicKey, 0, 1, 0, 0, .. b.PublicKey];
        byte[] expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, [], info);
        byte[] key = new byte[32];

        PairwiseKeys.DeriveShareKey(b, 256, b.PublicKey, 1, a.PublicKey, Round, key);

        Assert.Equal(expected, key);
    }

    [Property(MaxTest = 50)]
    public bool DeriveMaskSeedAndShareKey_BothEnds_AgreeAndDiffer(int u, int v)
    {
        (int first, int second) = (1 + (Math.Abs(u % 1000)), 1002 + Math.Abs(v % 1000));
        using var one = KeyAgreementKey.Generate();
        using var two = KeyAgreementKey.Generate();
        byte[] seedOne = new byte[32];
        byte[] seedTwo = new byte[32];
        byte[] keyOne = new byte[32];
        byte[] keyTwo = new byte[32];

        PairwiseKeys.DeriveMaskSeed(one, first, one.PublicKey, second, two.PublicKey, Round, seedOne);
        PairwiseKeys.DeriveMaskSeed(two, second, two.PublicKey, first, one.PublicKey, Round, seedTwo);
        PairwiseKeys.DeriveShareKey(one, first, one.PublicKey, second, two.PublicKey, Round, keyOne);
        PairwiseKeys.DeriveShareKey(two, second, two.PublicKey, first, one.PublicKey, Round, keyTwo);

        return seedOne.AsSpan().SequenceEqual(seedTwo) && keyOne.AsSpan().SequenceEqual(keyTwo) && !seedOne.AsSpan().SequenceEqual(keyOne);
    }

    [Property(MaxTest = 50)]
    public bool DeriveMaskSeed_TorsionShiftedCopyUnderAnotherIndex_GivesAnotherSeed(int seed)
    {
        // The same X25519 output (1/u agrees like u) must not give the same seed to the pair (u, w) as to (u, v).
        using var target = KeyAgreementKey.Import(new DeterministicRandom(seed).NextBytes(32));
        using var victim = KeyAgreementKey.Import(new DeterministicRandom(~seed).NextBytes(32));
        byte[] shifted = X25519Encodings.TorsionShift(victim.PublicKey);
        byte[] withVictim = new byte[32];
        byte[] withCopier = new byte[32];
        byte[] sameIndexOtherSpelling = new byte[32];

        PairwiseKeys.DeriveMaskSeed(target, 5, target.PublicKey, 2, victim.PublicKey, Round, withVictim);
        PairwiseKeys.DeriveMaskSeed(target, 5, target.PublicKey, 8, shifted, Round, withCopier);
        PairwiseKeys.DeriveMaskSeed(target, 5, target.PublicKey, 2, shifted, Round, sameIndexOtherSpelling);

        return !withVictim.AsSpan().SequenceEqual(withCopier) && !withVictim.AsSpan().SequenceEqual(sameIndexOtherSpelling);
    }

    [Fact]
    public void PairContext_SameIndexTwice_Throws()
    {
        byte[] key = new byte[32];
        key[0] = 9;

        Assert.Throws<ArgumentException>("v", () => PairwiseKeys.PairContext(Round, 4, key, 4, key));
    }

    [Fact]
    public void PairContext_IndexIsLittleEndianUInt32()
    {
        byte[] key = new byte[32];
        byte[] context = PairwiseKeys.PairContext(Round, 0x01020304, key, 1, key);

        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(context.AsSpan(Round.Context.Length)));
        Assert.Equal(0x01020304u, BinaryPrimitives.ReadUInt32LittleEndian(context.AsSpan(Round.Context.Length + 36)));
    }
}
