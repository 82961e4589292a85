using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivateFl.Crypto.SecAgg;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace PrivateFl.Crypto.Internal;

/// <summary>
/// A non-interactive Chaum–Pedersen proof (Fiat–Shamir) that a disclosed X25519 shared point Z is
/// X25519(c_v^SK, c_u^PK) for the complainant v's advertised c_v^PK, so that v can prove which pair key it
/// used without revealing c_v^SK (specs/protocol.md §2.8).
/// </summary>
/// <remarks>
/// <para>A clamped X25519 scalar is a = 8·a'. With V the even-y lift of c_v^PK and U that of c_u^PK, the
/// prover shows log_{8G}(V) = log_{8U}(Z) for the witness w = ±a' mod ℓ (the sign that makes w·8G equal the
/// even-y lift); u(Z) then equals the X25519 output whatever the sign, because u(−P) = u(P).</para>
/// <para>Proof = c || s (32 bytes each, little-endian, both below ℓ), with A1 = k·8G, A2 = k·8U,
/// c = SHA-512(domain || 0x00 || context || uint32 peer || uint32 prover || peer key || prover key || enc(Z) || enc(A1) || enc(A2)) mod ℓ
/// and s = k − c·w mod ℓ. SHA-512 reduced mod ℓ (as in Ed25519) keeps the challenge close to uniform.</para>
/// <para>Secret scalars are blinded (w + r·ℓ, k + r'·ℓ with 64-bit r) before BouncyCastle multiplies, because
/// its variable-base multiplier is not written to run in constant time.</para>
/// </remarks>
internal static class SharePointProof
{
    /// <summary>The domain of a complaint: the share-key point of (complainant's c_v, dealer's c_u).</summary>
    public const string ComplaintDomain = "privatefl/v1/complaint";

    /// <summary>The domain of a revealed pair point: the mask-seed point of (survivor's s_u, dropped client's s_v).</summary>
    public const string PairPointDomain = "privatefl/v1/pair-point";

    public const int ProofSize = 64;

    /// <summary>The bytes of randomness reduced mod ℓ to the proof nonce k.</summary>
    public const int NonceSize = 64;

    private const int ScalarSize = 32;

    /// <summary>Proves the shared point of (own private key, peer public key).</summary>
    /// <returns><see langword="false"/> when the peer key is not a curve point of which a proof can exist.</returns>
    public static bool TryProve(
        string domain,
        ReadOnlySpan<byte> privateKey,
        ReadOnlySpan<byte> ownPublicKey,
        ReadOnlySpan<byte> peerPublicKey,
        RoundIdentity round,
        int peer,
        int prover,
        Span<byte> sharedPoint,
        Span<byte> proof,
        IRandomSource random) =>
        Prove(domain, privateKey, ownPublicKey, peerPublicKey, round, peer, prover, [], sharedPoint, proof, random);

    /// <summary>
    /// Proves with a given nonce: k = <paramref name="nonce"/> (64 bytes, little-endian) mod ℓ, for the known-answer
    /// vectors of specs/vectors only; <paramref name="random"/> then only blinds the multiplications, which does
    /// not change the result.
    /// </summary>
    /// <returns><see langword="false"/> when the peer key admits no proof, or the nonce is not 64 bytes or is 0 mod ℓ.</returns>
    internal static bool TryProveWithNonce(
        string domain,
        ReadOnlySpan<byte> privateKey,
        ReadOnlySpan<byte> ownPublicKey,
        ReadOnlySpan<byte> peerPublicKey,
        RoundIdentity round,
        int peer,
        int prover,
        ReadOnlySpan<byte> nonce,
        Span<byte> sharedPoint,
        Span<byte> proof,
        IRandomSource random) =>
        nonce.Length == NonceSize
        && Prove(domain, privateKey, ownPublicKey, peerPublicKey, round, peer, prover, nonce, sharedPoint, proof, random);

    /// <summary>The proof; an empty <paramref name="fixedNonce"/> draws the nonce from <paramref name="random"/>, at the same point of the draw order as always.</summary>
    private static bool Prove(
        string domain,
        ReadOnlySpan<byte> privateKey,
        ReadOnlySpan<byte> ownPublicKey,
        ReadOnlySpan<byte> peerPublicKey,
        RoundIdentity round,
        int peer,
        int prover,
        ReadOnlySpan<byte> fixedNonce,
        Span<byte> sharedPoint,
        Span<byte> proof,
        IRandomSource random)
    {
        ECPoint? v = Curve25519Points.LiftEven(ownPublicKey);
        ECPoint? u = Curve25519Points.LiftEven(peerPublicKey);
        if (v is null || u is null)
        {
            return false;
        }

        ECPoint u8 = u.Multiply(BcBigInteger.ValueOf(8)).Normalize();
        if (u8.IsInfinity)
        {
            return false;
        }

        byte[] clamped = privateKey.ToArray();
        try
        {
            clamped[0] &= 248;
            clamped[31] &= 127;
            clamped[31] |= 64;
            BcBigInteger reduced = Curve25519Points.FromLittleEndian(clamped).ShiftRight(3).Mod(Curve25519Points.Order);
            ECPoint own = Multiply(Curve25519Points.CofactorBasePoint, reduced, random);
            BcBigInteger witness;
            if (own.Equals(v))
            {
                witness = reduced;
            }
            else if (own.Negate().Equals(v))
            {
                witness = Curve25519Points.Order.Subtract(reduced).Mod(Curve25519Points.Order);
            }
            else
            {
                return false;
            }

            ECPoint z = Multiply(u8, witness, random);
            BcBigInteger k;
            if (fixedNonce.IsEmpty)
            {
                do
                {
                    k = RandomScalar(random);
                }
                while (k.SignValue == 0);
            }
            else
            {
                k = Curve25519Points.FromLittleEndian(fixedNonce).Mod(Curve25519Points.Order);
                if (k.SignValue == 0)
                {
                    return false;
                }
            }

            ECPoint a1 = Multiply(Curve25519Points.CofactorBasePoint, k, random);
            ECPoint a2 = Multiply(u8, k, random);
            Curve25519Points.Encode(z, sharedPoint);
            BcBigInteger c = Challenge(domain, round, peer, prover, peerPublicKey, ownPublicKey, sharedPoint[..Curve25519Points.EncodedSize], a1, a2);
            BcBigInteger s = k.Subtract(c.Multiply(witness)).Mod(Curve25519Points.Order);
            Curve25519Points.ToLittleEndian(c, proof[..ScalarSize]);
            Curve25519Points.ToLittleEndian(s, proof[ScalarSize..ProofSize]);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clamped);
        }
    }

    /// <summary>Checks a proof against the two advertised cipher public keys.</summary>
    /// <returns>Whether the shared point is proven; a malformed input is simply not proven.</returns>
    public static bool Verify(
        string domain,
        ReadOnlySpan<byte> proverPublicKey,
        ReadOnlySpan<byte> peerPublicKey,
        RoundIdentity round,
        int peer,
        int prover,
        ReadOnlySpan<byte> sharedPoint,
        ReadOnlySpan<byte> proof)
    {
        if (proof.Length != ProofSize)
        {
            return false;
        }

        ECPoint? v = Curve25519Points.LiftEven(proverPublicKey);
        ECPoint? u = Curve25519Points.LiftEven(peerPublicKey);
        ECPoint? z = Curve25519Points.DecodePrimeOrder(sharedPoint);
        if (v is null || u is null || z is null || !Curve25519Points.IsOfPrimeOrder(v))
        {
            return false;
        }

        ECPoint u8 = u.Multiply(BcBigInteger.ValueOf(8)).Normalize();
        BcBigInteger c = Curve25519Points.FromLittleEndian(proof[..ScalarSize]);
        BcBigInteger s = Curve25519Points.FromLittleEndian(proof[ScalarSize..]);
        if (u8.IsInfinity || c.CompareTo(Curve25519Points.Order) >= 0 || s.CompareTo(Curve25519Points.Order) >= 0)
        {
            return false;
        }

        ECPoint a1 = Curve25519Points.CofactorBasePoint.Multiply(s).Add(v.Multiply(c)).Normalize();
        ECPoint a2 = u8.Multiply(s).Add(z.Multiply(c)).Normalize();
        if (a1.IsInfinity || a2.IsInfinity)
        {
            return false;
        }

        BcBigInteger expected = Challenge(domain, round, peer, prover, peerPublicKey, proverPublicKey, sharedPoint, a1, a2);
        Span<byte> left = stackalloc byte[ScalarSize];
        Span<byte> right = stackalloc byte[ScalarSize];
        Curve25519Points.ToLittleEndian(expected, left);
        Curve25519Points.ToLittleEndian(c, right);
        return CryptographicOperations.FixedTimeEquals(left, right);
    }

    private static BcBigInteger Challenge(
        string domain,
        RoundIdentity round,
        int peer,
        int prover,
        ReadOnlySpan<byte> peerPublicKey,
        ReadOnlySpan<byte> proverPublicKey,
        ReadOnlySpan<byte> sharedPoint,
        ECPoint a1,
        ECPoint a2)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        hash.AppendData(System.Text.Encoding.ASCII.GetBytes(domain));
        hash.AppendData([0]);
        hash.AppendData(round.Context);
        Span<byte> buffer = stackalloc byte[Curve25519Points.EncodedSize];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)peer);
        hash.AppendData(buffer[..sizeof(uint)]);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)prover);
        hash.AppendData(buffer[..sizeof(uint)]);
        hash.AppendData(peerPublicKey);
        hash.AppendData(proverPublicKey);
        hash.AppendData(sharedPoint);
        Curve25519Points.Encode(a1, buffer);
        hash.AppendData(buffer);
        Curve25519Points.Encode(a2, buffer);
        hash.AppendData(buffer);
        byte[] digest = hash.GetHashAndReset();
        return Curve25519Points.FromLittleEndian(digest).Mod(Curve25519Points.Order);
    }

    private static BcBigInteger RandomScalar(IRandomSource random)
    {
        byte[] wide = new byte[NonceSize];
        random.Fill(wide);
        try
        {
            return Curve25519Points.FromLittleEndian(wide).Mod(Curve25519Points.Order);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wide);
        }
    }

    /// <summary>Multiplies by a secret scalar blinded with a random multiple of ℓ (the points have order ℓ).</summary>
    private static ECPoint Multiply(ECPoint point, BcBigInteger secret, IRandomSource random)
    {
        byte[] blinding = new byte[8];
        random.Fill(blinding);
        BcBigInteger blinded = secret.Add(new BcBigInteger(1, blinding).Multiply(Curve25519Points.Order));
        return point.Multiply(blinded).Normalize();
    }
}
