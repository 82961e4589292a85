using FsCheck.Xunit;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.Tests.Support;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace PrivateFl.Crypto.Tests.Internal;

/// <summary>The curve model behind complaints and pair points, and the Chaum–Pedersen proof on it.</summary>
public sealed class SharePointProofTests
{
    private static readonly RoundIdentity Round = new("proof-tests", 3, new byte[RoundIdentity.GraphSeedSize]);

    [Fact]
    public void Curve_Constants_AreWei25519OfRfc7748()
    {
        // draft-ietf-lwig-curve-representations, Wei25519: a, b and the base point's x.
        Assert.Equal(new BcBigInteger("2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa984914a144", 16), Curve25519Points.Curve.A.ToBigInteger());
        Assert.Equal(new BcBigInteger("7b425ed097b425ed097b425ed097b425ed097b425ed097b4260b5e9c7710c864", 16), Curve25519Points.Curve.B.ToBigInteger());
        Assert.Equal(new BcBigInteger("2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad245a", 16), Curve25519Points.BasePoint.AffineXCoord.ToBigInteger());
        Assert.True(Curve25519Points.BasePoint.IsValid());
        Assert.True(Curve25519Points.IsOfPrimeOrder(Curve25519Points.BasePoint));
        byte[] u = new byte[32];
        Curve25519Points.WriteU(Curve25519Points.BasePoint, u);
        Assert.Equal(9, u[0]);
        Assert.All(u[1..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void LiftEven_X25519PublicKeys_AreClampedMultiplesOfTheBasePoint()
    {
        for (int i = 0; i < 8; i++)
        {
            using var key = KeyAgreementKey.Generate();
            byte[] scalar = new byte[32];
            key.ExportPrivateKey(scalar);
            scalar[0] &= 248;
            scalar[31] &= 127;
            scalar[31] |= 64;
            byte[] u = new byte[32];

            Curve25519Points.WriteU(Curve25519Points.BasePoint.Multiply(Curve25519Points.FromLittleEndian(scalar)), u);

            Assert.Equal(key.PublicKey.ToArray(), u);
            Assert.NotNull(Curve25519Points.LiftEven(key.PublicKey));
        }
    }

    [Property(MaxTest = 300)]
    public bool IsOnCurve_AnyCanonicalU_AgreesWithTheSquareRootLift(byte[] seed)
    {
        // The Jacobi-symbol test the server runs on every advertised key must accept exactly the u that lift to a point.
        byte[] u = new byte[32];
        System.Security.Cryptography.SHA256.HashData(seed ?? [], u);
        u[31] &= 0x7F;
        bool canonical = Curve25519Points.FromLittleEndian(u).CompareTo(Curve25519Points.P) < 0;

        return Curve25519Points.IsOnCurve(u) == (canonical && Curve25519Points.LiftEven(u) is not null);
    }

    [Fact]
    public void IsOnCurve_HonestKeysAndTheirTorsionTranslates_OnTheCurve_TwistNot()
    {
        using var key = KeyAgreementKey.Generate();
        byte[] twist = new byte[32];
        twist[0] = 2;

        Assert.True(Curve25519Points.IsOnCurve(key.PublicKey));
        Assert.All(X25519Encodings.TorsionTranslates(key.PublicKey), t => Assert.True(Curve25519Points.IsOnCurve(t)));
        Assert.False(Curve25519Points.IsOnCurve(twist));
    }

    [Fact]
    public void LiftEven_TwistPointOrNonCanonicalU_Refused()
    {
        // u = 2: 2³ + 486662·2² + 2 is not a square mod p, so u = 2 lies on the twist.
        byte[] twist = new byte[32];
        twist[0] = 2;
        byte[] nonCanonical = new byte[32];
        Curve25519Points.ToLittleEndian(Curve25519Points.P.Add(BcBigInteger.ValueOf(9)), nonCanonical);

        Assert.Null(Curve25519Points.LiftEven(twist));
        Assert.Null(Curve25519Points.LiftEven(nonCanonical));
    }

    [Fact]
    public void TryProve_HonestKeys_VerifiesAndDisclosesTheX25519Output()
    {
        using var complainant = KeyAgreementKey.Generate();
        using var dealer = KeyAgreementKey.Generate();
        (byte[] point, byte[] proof) = Prove(complainant, dealer.PublicKey.ToArray(), dealerIndex: 4, complainantIndex: 7);
        byte[] expected = new byte[32];
        complainant.Agree(dealer.PublicKey, expected);

        Assert.True(SharePointProof.Verify(SharePointProof.ComplaintDomain, complainant.PublicKey, dealer.PublicKey, Round, 4, 7, point, proof));
        Assert.Equal(expected, point[..32]);
    }

    [Fact]
    public void Verify_AnythingChanged_Refused()
    {
        using var complainant = KeyAgreementKey.Generate();
        using var dealer = KeyAgreementKey.Generate();
        using var other = KeyAgreementKey.Generate();
        (byte[] point, byte[] proof) = Prove(complainant, dealer.PublicKey.ToArray(), dealerIndex: 4, complainantIndex: 7);
        (byte[] otherPoint, _) = Prove(other, dealer.PublicKey.ToArray(), dealerIndex: 4, complainantIndex: 7);
        byte[] flippedProof = [.. proof];
        flippedProof[5] ^= 1;
        byte[] flippedParity = [.. point];
        flippedParity[32] ^= 1;

        Assert.False(SharePointProof.Verify(SharePointProof.ComplaintDomain, complainant.PublicKey, dealer.PublicKey, Round, 4, 7, point, flippedProof));
        Assert.False(SharePointProof.Verify(SharePointProof.ComplaintDomain, complainant.PublicKey, dealer.PublicKey, Round, 4, 7, flippedParity, proof));
        Assert.False(SharePointProof.Verify(SharePointProof.ComplaintDomain, complainant.PublicKey, dealer.PublicKey, Round, 4, 7, otherPoint, proof));
        Assert.False(SharePointProof.Verify(SharePointProof.ComplaintDomain, complainant.PublicKey, dealer.PublicKey, Round, 7, 4, point, proof));
        Assert.False(SharePointProof.Verify(SharePointProof.PairPointDomain, complainant.PublicKey, dealer.PublicKey, Round, 4, 7, point, proof));
        Assert.False(SharePointProof.Verify(SharePointProof.ComplaintDomain, complainant.PublicKey, dealer.PublicKey, new RoundIdentity("proof-tests", 4, new byte[RoundIdentity.GraphSeedSize]), 4, 7, point, proof));
        Assert.False(SharePointProof.Verify(SharePointProof.ComplaintDomain, other.PublicKey, dealer.PublicKey, Round, 4, 7, point, proof));
    }

    [Fact]
    public void TryProve_PeerKeyOnTheTwist_Refused()
    {
        using var complainant = KeyAgreementKey.Generate();
        byte[] twist = new byte[32];
        twist[0] = 2;
        byte[] privateKey = new byte[32];
        complainant.ExportPrivateKey(privateKey);

        Assert.False(SharePointProof.TryProve(SharePointProof.ComplaintDomain, privateKey, complainant.PublicKey, twist, Round, 1, 2, new byte[Curve25519Points.EncodedSize], new byte[SharePointProof.ProofSize], new SecureRandom()));
    }

    private static (byte[] Point, byte[] Proof) Prove(KeyAgreementKey prover, byte[] peerPublicKey, int dealerIndex, int complainantIndex)
    {
        byte[] privateKey = new byte[32];
        prover.ExportPrivateKey(privateKey);
        byte[] point = new byte[Curve25519Points.EncodedSize];
        byte[] proof = new byte[SharePointProof.ProofSize];
        Assert.True(SharePointProof.TryProve(SharePointProof.ComplaintDomain, privateKey, prover.PublicKey, peerPublicKey, Round, dealerIndex, complainantIndex, point, proof, new SecureRandom()));
        return (point, proof);
    }
}
