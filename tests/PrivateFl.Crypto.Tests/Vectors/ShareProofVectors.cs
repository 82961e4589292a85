using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.Tests.Support;
using static PrivateFl.Crypto.Tests.Vectors.VectorJson;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace PrivateFl.Crypto.Tests.Vectors;

/// <summary>
/// Builds the <c>curve25519_points</c> and <c>share_point_proofs</c> sections of <c>protocol-v1.json</c>: the
/// Wei25519 map and encodings, and Chaum–Pedersen proofs of shared points (specs/protocol.md §2.8) with a fixed
/// nonce, their intermediate values and flipped-byte cases that must not verify.
/// </summary>
internal static class ShareProofVectors
{
    /// <summary>The round every proof vector is bound to.</summary>
    public static RoundIdentity Round { get; } = new("proof-vectors", 11, SHA256.HashData("privatefl/vectors/proof/graph-seed"u8));

    public static JsonObject CurvePoints()
    {
        var lifts = new JsonArray();
        byte[] nine = new byte[32];
        nine[0] = 9;
        byte[] twist = new byte[32];
        twist[0] = 2;
        byte[] nonCanonical = new byte[32];
        Curve25519Points.ToLittleEndian(Curve25519Points.P.Add(BcBigInteger.ValueOf(9)), nonCanonical);
        foreach (byte[] u in new[] { nine, Key("prover", SharePointProof.ComplaintDomain, 0).Public, twist, nonCanonical })
        {
            ECPoint? even = Curve25519Points.LiftEven(u);
            ECPoint? odd = Curve25519Points.Lift(u, odd: true);
            var entry = new JsonObject
            {
                ["u"] = Hex(u),
                ["on_curve"] = Curve25519Points.IsOnCurve(u),
                ["even_lift"] = even is null ? null : Point(even),
                ["odd_lift"] = odd is null ? null : Point(odd),
            };
            lifts.Add(entry);
        }

        return new JsonObject
        {
            ["field_prime"] = Decimal(Curve25519Points.P),
            ["order"] = Decimal(Curve25519Points.Order),
            ["shift"] = Decimal(Curve25519Points.Shift),
            ["a"] = Decimal(Curve25519Points.Curve.A.ToBigInteger()),
            ["b"] = Decimal(Curve25519Points.Curve.B.ToBigInteger()),
            ["base_point"] = Point(Curve25519Points.BasePoint),
            ["cofactor_base_point"] = Point(Curve25519Points.CofactorBasePoint),
            ["lifts"] = lifts,
        };
    }

    public static JsonArray Proofs()
    {
        var vectors = new JsonArray();
        foreach ((string domain, int peer, int prover) in new[] { (SharePointProof.ComplaintDomain, 4, 7), (SharePointProof.PairPointDomain, 9, 2) })
        {
            // One prover key whose witness is +a' and one whose witness is ℓ − a' (the even-y lift of its public key is −a'·8G).
            foreach (bool negated in new[] { false, true })
            {
                int attempt = 0;
                while (IsNegated(Key("prover", domain, attempt).Private) != negated)
                {
                    attempt++;
                }

                vectors.Add(Proof(domain, peer, prover, attempt));
            }
        }

        return vectors;
    }

    private static JsonObject Proof(string domain, int peer, int prover, int attempt)
    {
        (byte[] proverPrivate, byte[] proverPublic) = Key("prover", domain, attempt);
        (byte[] peerPrivate, byte[] peerPublic) = Key("peer", domain, attempt);
        byte[] nonce = SHA512.HashData(System.Text.Encoding.ASCII.GetBytes($"privatefl/vectors/proof/nonce/{domain}/{attempt}"));
        byte[] point = new byte[Curve25519Points.EncodedSize];
        byte[] proof = new byte[SharePointProof.ProofSize];
        if (!SharePointProof.TryProveWithNonce(domain, proverPrivate, proverPublic, peerPublic, Round, peer, prover, nonce, point, proof, new DeterministicRandom(attempt)))
        {
            throw new InvalidOperationException("A vector key admits no proof.");
        }

        BcBigInteger order = Curve25519Points.Order;
        BcBigInteger reduced = Clamped(proverPrivate).ShiftRight(3).Mod(order);
        bool negated = IsNegated(proverPrivate);
        BcBigInteger witness = negated ? order.Subtract(reduced).Mod(order) : reduced;
        BcBigInteger k = Curve25519Points.FromLittleEndian(nonce).Mod(order);
        ECPoint u8 = Curve25519Points.LiftEven(peerPublic)!.Multiply(BcBigInteger.ValueOf(8)).Normalize();
        byte[] a1 = Encode(Curve25519Points.CofactorBasePoint.Multiply(k));
        byte[] a2 = Encode(u8.Multiply(k));
        byte[] transcript = ChallengeInput(domain, Round.Context.ToArray(), peer, prover, peerPublic, proverPublic, point, a1, a2);
        return new JsonObject
        {
            ["domain"] = domain,
            ["session_id"] = Round.SessionId,
            ["round_number"] = Round.RoundNumber.ToString(CultureInfo.InvariantCulture),
            ["graph_seed"] = Hex(Round.GraphSeed),
            ["context"] = Hex(Round.Context),
            ["peer"] = peer,
            ["prover"] = prover,
            ["prover_private_key"] = Hex(proverPrivate),
            ["prover_public_key"] = Hex(proverPublic),
            ["peer_private_key"] = Hex(peerPrivate),
            ["peer_public_key"] = Hex(peerPublic),
            ["nonce"] = Hex(nonce),
            ["clamped_scalar"] = Hex(Scalar(Clamped(proverPrivate))),
            ["witness_negated"] = negated,
            ["witness"] = Hex(Scalar(witness)),
            ["nonce_scalar"] = Hex(Scalar(k)),
            ["x25519"] = Hex(Independent.X25519(proverPrivate, peerPublic)),
            ["shared_point"] = Hex(point),
            ["a1"] = Hex(a1),
            ["a2"] = Hex(a2),
            ["challenge_input"] = Hex(transcript),
            ["challenge"] = Hex(proof.AsSpan(0, 32)),
            ["response"] = Hex(proof.AsSpan(32, 32)),
            ["proof"] = Hex(proof),
            ["verifies"] = true,
            ["negative"] = new JsonArray(
                Negative("proof", 0, proof, Round, domain, proverPublic, peerPublic, peer, prover, point),
                Negative("proof", 40, proof, Round, domain, proverPublic, peerPublic, peer, prover, point),
                Negative("shared_point", 32, proof, Round, domain, proverPublic, peerPublic, peer, prover, point),
                Negative("shared_point", 5, proof, Round, domain, proverPublic, peerPublic, peer, prover, point)),
        };
    }

    /// <summary>The SHA-512 input of the challenge, framed as specs/protocol.md §2.8 writes it.</summary>
    public static byte[] ChallengeInput(string domain, byte[] context, int peer, int prover, byte[] peerKey, byte[] proverKey, byte[] point, byte[] a1, byte[] a2)
    {
        byte[] indices = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(indices, (uint)peer);
        BinaryPrimitives.WriteUInt32LittleEndian(indices.AsSpan(4), (uint)prover);
        return [.. System.Text.Encoding.ASCII.GetBytes(domain), 0, .. context, .. indices, .. peerKey, .. proverKey, .. point, .. a1, .. a2];
    }

    /// <summary>Applies a flip and records what Verify says of it (the test requires false).</summary>
    private static JsonObject Negative(string field, int offset, byte[] proof, RoundIdentity round, string domain, byte[] proverPublic, byte[] peerPublic, int peer, int prover, byte[] point)
    {
        byte[] flippedProof = [.. proof];
        byte[] flippedPoint = [.. point];
        (field == "proof" ? flippedProof : flippedPoint)[offset] ^= 0x01;
        return new JsonObject
        {
            ["field"] = field,
            ["offset"] = offset,
            ["xor"] = 1,
            ["shared_point"] = Hex(flippedPoint),
            ["proof"] = Hex(flippedProof),
            ["verifies"] = SharePointProof.Verify(domain, proverPublic, peerPublic, round, peer, prover, flippedPoint, flippedProof),
        };
    }

    /// <summary>A fixed X25519 key pair: the private key is SHA-256 of a label, the public key X25519(private, 9).</summary>
    public static (byte[] Private, byte[] Public) Key(string role, string domain, int attempt)
    {
        byte[] privateKey = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes($"privatefl/vectors/proof/{role}/{domain}/{attempt}"));
        return (privateKey, Independent.X25519PublicKey(privateKey));
    }

    private static bool IsNegated(byte[] privateKey)
    {
        BcBigInteger reduced = Clamped(privateKey).ShiftRight(3).Mod(Curve25519Points.Order);
        ECPoint own = Curve25519Points.CofactorBasePoint.Multiply(reduced).Normalize();
        return !own.Equals(Curve25519Points.LiftEven(Independent.X25519PublicKey(privateKey)));
    }

    private static BcBigInteger Clamped(byte[] privateKey)
    {
        byte[] clamped = [.. privateKey];
        clamped[0] &= 248;
        clamped[31] &= 127;
        clamped[31] |= 64;
        return Curve25519Points.FromLittleEndian(clamped);
    }

    private static JsonObject Point(ECPoint point)
    {
        ECPoint normal = point.Normalize();
        return new JsonObject
        {
            ["x"] = Decimal(normal.AffineXCoord.ToBigInteger()),
            ["y"] = Decimal(normal.AffineYCoord.ToBigInteger()),
            ["encoded"] = Hex(Encode(normal)),
        };
    }

    private static byte[] Encode(ECPoint point)
    {
        byte[] encoded = new byte[Curve25519Points.EncodedSize];
        Curve25519Points.Encode(point, encoded);
        return encoded;
    }

    private static byte[] Scalar(BcBigInteger value)
    {
        byte[] bytes = new byte[32];
        Curve25519Points.ToLittleEndian(value, bytes);
        return bytes;
    }

    private static string Decimal(BcBigInteger value) => value.ToString();
}
