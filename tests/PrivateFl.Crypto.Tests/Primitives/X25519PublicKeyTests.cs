using System.Numerics;
using FsCheck.Xunit;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Primitives;

public sealed class X25519PublicKeyTests
{
    public static TheoryData<string> SmallOrderEncodings => [.. X25519Encodings.SmallOrder];

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", X25519PublicKeyDefect.SmallOrder)] // 0: order 2
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000", X25519PublicKeyDefect.SmallOrder)] // 1: order 4 (curve)
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", X25519PublicKeyDefect.SmallOrder)] // p − 1: order 4 (twist)
    [InlineData("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", X25519PublicKeyDefect.SmallOrder)] // order 8
    [InlineData("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", X25519PublicKeyDefect.SmallOrder)] // order 8
    [InlineData("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", X25519PublicKeyDefect.NotReduced)] // p ≡ 0
    [InlineData("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", X25519PublicKeyDefect.NotReduced)] // p + 1 ≡ 1
    [InlineData("efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", X25519PublicKeyDefect.NotReduced)] // p + 2 ≡ 2
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", X25519PublicKeyDefect.NotReduced)] // 2^255 − 1
    [InlineData("0000000000000000000000000000000000000000000000000000000000000080", X25519PublicKeyDefect.HighBitSet)] // 2^255 ≡ 0
    [InlineData("0100000000000000000000000000000000000000000000000000000000000080", X25519PublicKeyDefect.HighBitSet)] // 1 + 2^255
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", X25519PublicKeyDefect.HighBitSet)] // p − 1 + 2^255
    [InlineData("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880", X25519PublicKeyDefect.HighBitSet)]
    [InlineData("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7", X25519PublicKeyDefect.HighBitSet)]
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", X25519PublicKeyDefect.HighBitSet)]
    [InlineData("0900000000000000000000000000000000000000000000000000000000000089", X25519PublicKeyDefect.HighBitSet)] // base point, bit 255 and junk
    [InlineData("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1ccc", X25519PublicKeyDefect.HighBitSet)] // RFC 7748 §5.2 key, bit 255 set
    [InlineData("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c", X25519PublicKeyDefect.None)]
    [InlineData("0900000000000000000000000000000000000000000000000000000000000000", X25519PublicKeyDefect.None)] // base point
    [InlineData("0200000000000000000000000000000000000000000000000000000000000000", X25519PublicKeyDefect.None)] // 2: the twist, large order
    [InlineData("ebffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", X25519PublicKeyDefect.None)] // p − 2: largest u below p − 1
    [InlineData("00000000000000000000000000000000000000000000000000000000000000", X25519PublicKeyDefect.WrongLength)]
    [InlineData("000000000000000000000000000000000000000000000000000000000000000000", X25519PublicKeyDefect.WrongLength)]
    public void Check_Encoding_GivesItsDefect(string publicKey, X25519PublicKeyDefect expected)
    {
        X25519PublicKeyDefect defect = X25519PublicKey.Check(Convert.FromHexString(publicKey));

        Assert.Equal(expected, defect);
        Assert.Equal(expected == X25519PublicKeyDefect.None, X25519PublicKey.IsValid(Convert.FromHexString(publicKey)));
    }

    [Theory]
    [MemberData(nameof(SmallOrderEncodings))]
    public void Agree_EverySmallOrderEncoding_GivesTheAllZeroSecretOnBothImplementations(string publicKey)
    {
        // The reference implementations confirm the list the check uses: each entry kills every clamped scalar.
        using var fast = KeyAgreementKey.Import(new DeterministicRandom(publicKey.Length).NextBytes(32));
        using var portable = KeyAgreementPaths.ImportPortable(new DeterministicRandom(7).NextBytes(32));
        byte[] shared = new byte[32];

        Assert.Throws<KeyAgreementException>(() => fast.Agree(Convert.FromHexString(publicKey), shared));
        Assert.Throws<KeyAgreementException>(() => portable.Agree(Convert.FromHexString(publicKey), shared));
        Assert.False(X25519PublicKey.IsValid(Convert.FromHexString(publicKey)));
    }

    [Property(MaxTest = 200)]
    public bool Check_AnyReducedKeyOffTheSmallOrderList_IsAcceptedAndAgreesToANonZeroSecret(int seed)
    {
        // Completeness of the list from the other side: a canonical u off it is a point of large order.
        byte[] candidate = new DeterministicRandom(seed).NextBytes(32);
        candidate[31] &= 0x7F;
        BigInteger u = X25519Encodings.ToInteger(candidate) % X25519Encodings.P;
        byte[] key = X25519Encodings.ToBytes(u);
        bool listed = X25519Encodings.SmallOrder.Contains(Convert.ToHexStringLower(key));
        using var own = KeyAgreementKey.Generate();
        byte[] shared = new byte[32];

        own.Agree(key, shared);

        return !listed && X25519PublicKey.IsValid(key) && shared.AsSpan().IndexOfAnyExcept((byte)0) >= 0;
    }

    [Property(MaxTest = 50)]
    public bool Agree_AliasesOfAKey_GiveItsSecretSoOnlyTheCanonicalOneIsAccepted(int seed)
    {
        // Why the check exists: bit 255 and 1/u (the key plus the point of order 2) agree to the key's own secret.
        using var peer = KeyAgreementKey.Import(new DeterministicRandom(seed).NextBytes(32));
        using var own = KeyAgreementKey.Import(new DeterministicRandom(seed ^ 0x3C3C3C3C).NextBytes(32));
        byte[] genuine = new byte[32];
        byte[] flipped = new byte[32];
        byte[] shifted = new byte[32];

        own.Agree(peer.PublicKey, genuine);
        own.Agree(X25519Encodings.FlipBit255(peer.PublicKey), flipped);
        own.Agree(X25519Encodings.TorsionShift(peer.PublicKey), shifted);

        return genuine.AsSpan().SequenceEqual(flipped)
            && genuine.AsSpan().SequenceEqual(shifted)
            && X25519PublicKey.IsValid(peer.PublicKey)
            && X25519PublicKey.Check(X25519Encodings.FlipBit255(peer.PublicKey)) == X25519PublicKeyDefect.HighBitSet
            && X25519PublicKey.IsValid(X25519Encodings.TorsionShift(peer.PublicKey));
    }

    [Property(MaxTest = 20)]
    public bool Agree_AnyTorsionTranslateOfAKey_GivesItsSecretAndIsACanonicalKey(int seed)
    {
        // u(P + T) for each of the seven points T of order 2, 4 or 8: canonical keys of large order, other bytes, same
        // secret under every clamped scalar. No encoding check can refuse them; the pair binding (§2.4) must.
        using var peer = KeyAgreementKey.Import(new DeterministicRandom(seed).NextBytes(32));
        using var own = KeyAgreementKey.Import(new DeterministicRandom(seed ^ 0x0F0F0F0F).NextBytes(32));
        byte[] genuine = new byte[32];
        byte[] translated = new byte[32];
        own.Agree(peer.PublicKey, genuine);
        byte[][] translates = X25519Encodings.TorsionTranslates(peer.PublicKey);

        bool allAgree = translates.All(t =>
        {
            own.Agree(t, translated);
            return translated.AsSpan().SequenceEqual(genuine) && X25519PublicKey.IsValid(t) && !t.AsSpan().SequenceEqual(peer.PublicKey);
        });

        return allAgree
            && translates.Select(Convert.ToHexString).Distinct().Count() == 7
            && translates.Any(t => t.AsSpan().SequenceEqual(X25519Encodings.TorsionShift(peer.PublicKey)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(9)]
    [InlineData(18)]
    public void Agree_FieldAliasOfASmallU_GivesTheSameSecretAndIsRefused(int u)
    {
        byte[] canonical = X25519Encodings.ToBytes(u);
        byte[] alias = X25519Encodings.FieldAlias(canonical)!;
        using var own = KeyAgreementKey.Generate();
        byte[] fromCanonical = new byte[32];
        byte[] fromAlias = new byte[32];

        own.Agree(canonical, fromCanonical);
        own.Agree(alias, fromAlias);

        Assert.Equal(fromCanonical, fromAlias);
        Assert.Equal(X25519PublicKeyDefect.NotReduced, X25519PublicKey.Check(alias));
        Assert.Equal(X25519PublicKeyDefect.None, X25519PublicKey.Check(canonical));
    }

    [Fact]
    public void DeriveSharedKey_PeerKeyWithBit255Flipped_ThrowsKeyAgreementException()
    {
        using var own = KeyAgreementKey.Generate();
        using var peer = KeyAgreementKey.Generate();

        Assert.Throws<KeyAgreementException>(() => own.DeriveSharedKey(X25519Encodings.FlipBit255(peer.PublicKey), KdfLabels.MaskSeed, default, new byte[32]));
    }

    [Fact]
    public void DeriveSharedKey_PeerKeyAtLeastP_ThrowsKeyAgreementException()
    {
        using var own = KeyAgreementKey.Generate();

        Assert.Throws<KeyAgreementException>(() => own.DeriveSharedKey(X25519Encodings.FieldAlias(X25519Encodings.ToBytes(9))!, KdfLabels.MaskSeed, default, new byte[32]));
    }

    [Fact]
    public void Generate_AnyKey_HasAValidPublicKey()
    {
        for (int i = 0; i < 64; i++)
        {
            using var key = KeyAgreementKey.Generate();
            Assert.True(X25519PublicKey.IsValid(key.PublicKey));
        }
    }
}
