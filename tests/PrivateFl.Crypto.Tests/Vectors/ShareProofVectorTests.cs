using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using static PrivateFl.Crypto.Tests.Vectors.VectorJson;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace PrivateFl.Crypto.Tests.Vectors;

/// <summary>
/// Checks the <c>curve25519_points</c> and <c>share_point_proofs</c> sections of <c>protocol-v1.json</c> against
/// the rules of specs/protocol.md §2.8, recomputed with System.Numerics scalar and field arithmetic, BouncyCastle
/// X25519 and point multiplication, and SHA-512; and that the code reproduces every proof and verifies exactly
/// the recorded cases.
/// </summary>
public sealed class ShareProofVectorTests
{
    private static readonly BigInteger P = (BigInteger.One << 255) - 19;

    private static readonly BigInteger Order = (BigInteger.One << 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly BigInteger MontgomeryA = 486662;

    private static readonly Lazy<JsonObject> File = new(() => VectorFile.Load(ProtocolVectors.FileName));

    [Fact]
    public void CurvePoints_Vectors_EqualWei25519MapOfRfc7748Constants()
    {
        JsonNode curve = File.Value["curve25519_points"]!;
        BigInteger shift = MontgomeryA * BigInteger.ModPow(3, P - 2, P) % P;
        BigInteger a = Mod((3 - (MontgomeryA * MontgomeryA)) * BigInteger.ModPow(3, P - 2, P));
        BigInteger b = Mod(((2 * BigInteger.Pow(MontgomeryA, 3)) - (9 * MontgomeryA)) * BigInteger.ModPow(27, P - 2, P));

        Assert.Equal(P, Dec(curve["field_prime"]));
        Assert.Equal(Order, Dec(curve["order"]));
        Assert.Equal(shift, Dec(curve["shift"]));
        Assert.Equal(a, Dec(curve["a"]));
        Assert.Equal(b, Dec(curve["b"]));
        JsonNode g = curve["base_point"]!;
        Assert.Equal(9 + shift, Dec(g["x"]));
        Assert.Equal(BigInteger.Parse("14781619447589544791020593568409986887264606134616475288964881837755586237401", System.Globalization.CultureInfo.InvariantCulture), Dec(g["y"]));
        AssertPoint(g, a, b, shift);
        AssertPoint(curve["cofactor_base_point"]!, a, b, shift);
        Assert.Equal(Text(curve["cofactor_base_point"]!["encoded"]), Hex(Encode(Curve25519Points.BasePoint.Multiply(BcBigInteger.ValueOf(8)))));

        foreach (JsonNode? lift in curve["lifts"]!.AsArray())
        {
            byte[] uBytes = Bytes(lift!["u"]);
            BigInteger u = new(uBytes, isUnsigned: true, isBigEndian: false);
            BigInteger rhs = Mod((((u + MontgomeryA) * u) + 1) * u);
            bool onCurve = u < P && (rhs.IsZero || BigInteger.ModPow(rhs, (P - 1) / 2, P).IsOne);

            Assert.Equal(onCurve, lift["on_curve"]!.GetValue<bool>());
            Assert.Equal(onCurve, Curve25519Points.IsOnCurve(uBytes));
            Assert.Equal(onCurve, lift["even_lift"] is not null);
            Assert.Equal(onCurve, Curve25519Points.LiftEven(uBytes) is not null);
            if (!onCurve)
            {
                Assert.Null(lift["odd_lift"]);
                continue;
            }

            foreach ((string name, bool odd) in new[] { ("even_lift", false), ("odd_lift", true) })
            {
                JsonNode point = lift[name]!;
                Assert.Equal(Mod(u + shift), Dec(point["x"]));
                Assert.Equal(odd, !Dec(point["y"]).IsEven);
                Assert.Equal([.. uBytes, odd ? (byte)1 : (byte)0], Bytes(point["encoded"]));
                AssertPoint(point, a, b, shift);
                Assert.Equal(Text(point["encoded"]), Hex(Encode(Curve25519Points.Lift(uBytes, odd)!)));
            }
        }
    }

    [Fact]
    public void SharePointProofs_Vectors_EqualChaumPedersenOverFramedChallenge()
    {
        JsonArray vectors = File.Value["share_point_proofs"]!.AsArray();
        Assert.Equal(
            [(SharePointProof.ComplaintDomain, false), (SharePointProof.ComplaintDomain, true), (SharePointProof.PairPointDomain, false), (SharePointProof.PairPointDomain, true)],
            vectors.Select(v => (Text(v!["domain"]), v["witness_negated"]!.GetValue<bool>())));
        foreach (JsonNode? vector in vectors)
        {
            string domain = Text(vector!["domain"]);
            byte[] proverPrivate = Bytes(vector["prover_private_key"]);
            byte[] proverPublic = Bytes(vector["prover_public_key"]);
            byte[] peerPrivate = Bytes(vector["peer_private_key"]);
            byte[] peerPublic = Bytes(vector["peer_public_key"]);
            byte[] context = Bytes(vector["context"]);
            long roundNumber = long.Parse(Text(vector["round_number"]), System.Globalization.CultureInfo.InvariantCulture);
            int peer = Int(vector["peer"]);
            int prover = Int(vector["prover"]);
            byte[] point = Bytes(vector["shared_point"]);
            byte[] proof = Bytes(vector["proof"]);

            // Keys, context and the disclosed point: X25519 of either side, with the parity of w·8U.
            Assert.Equal(proverPublic, Independent.X25519PublicKey(proverPrivate));
            Assert.Equal(peerPublic, Independent.X25519PublicKey(peerPrivate));
            Assert.Equal(context, Independent.Context(Text(vector["session_id"]), roundNumber, Bytes(vector["graph_seed"])));
            Assert.Equal(Bytes(vector["x25519"]), Independent.X25519(proverPrivate, peerPublic));
            Assert.Equal(Bytes(vector["x25519"]), Independent.X25519(peerPrivate, proverPublic));
            Assert.Equal(Bytes(vector["x25519"]), point[..32]);

            // The witness: w = ±(clamped / 8) mod ℓ, the sign that makes w·8G the even-y lift of the prover's key.
            byte[] clamped = [.. proverPrivate];
            clamped[0] &= 248;
            clamped[31] &= 127;
            clamped[31] |= 64;
            Assert.Equal(clamped, Bytes(vector["clamped_scalar"]));
            BigInteger reduced = (Le(clamped) >> 3) % Order;
            BigInteger w = vector["witness_negated"]!.GetValue<bool>() ? (Order - reduced) % Order : reduced;
            Assert.Equal(w, Le(Bytes(vector["witness"])));
            Assert.Equal([.. proverPublic, 0], Encode(Curve25519Points.CofactorBasePoint.Multiply(Bc(w))));
            Assert.NotEqual([.. proverPublic, 0], Encode(Curve25519Points.CofactorBasePoint.Multiply(Bc((Order - w) % Order))));
            ECPoint u8 = Curve25519Points.LiftEven(peerPublic)!.Multiply(BcBigInteger.ValueOf(8));
            Assert.Equal(point, Encode(u8.Multiply(Bc(w))));

            // Nonce, commitments, challenge and response.
            BigInteger k = Le(Bytes(vector["nonce"])) % Order;
            Assert.Equal(64, Bytes(vector["nonce"]).Length);
            Assert.Equal(k, Le(Bytes(vector["nonce_scalar"])));
            byte[] a1 = Encode(Curve25519Points.CofactorBasePoint.Multiply(Bc(k)));
            byte[] a2 = Encode(u8.Multiply(Bc(k)));
            Assert.Equal(Bytes(vector["a1"]), a1);
            Assert.Equal(Bytes(vector["a2"]), a2);
            byte[] transcript = [.. System.Text.Encoding.ASCII.GetBytes(domain), 0, .. context, .. U32(peer), .. U32(prover), .. peerPublic, .. proverPublic, .. point, .. a1, .. a2];
            Assert.Equal(Bytes(vector["challenge_input"]), transcript);
            BigInteger c = Le(SHA512.HashData(transcript)) % Order;
            BigInteger s = Mod(k - (c * w), Order);
            Assert.Equal(Scalar(c), Bytes(vector["challenge"]));
            Assert.Equal(Scalar(s), Bytes(vector["response"]));
            Assert.Equal([.. Scalar(c), .. Scalar(s)], proof);

            // The code: the same point and proof from the same nonce (blinded with fresh randomness), and Verify as recorded.
            var round = new RoundIdentity(Text(vector["session_id"]), roundNumber, Bytes(vector["graph_seed"]));
            byte[] codePoint = new byte[Curve25519Points.EncodedSize];
            byte[] codeProof = new byte[SharePointProof.ProofSize];
            Assert.True(SharePointProof.TryProveWithNonce(domain, proverPrivate, proverPublic, peerPublic, round, peer, prover, Bytes(vector["nonce"]), codePoint, codeProof, new SecureRandom()));
            Assert.Equal(point, codePoint);
            Assert.Equal(proof, codeProof);
            Assert.True(vector["verifies"]!.GetValue<bool>());
            Assert.True(SharePointProof.Verify(domain, proverPublic, peerPublic, round, peer, prover, point, proof));

            JsonArray negatives = vector["negative"]!.AsArray();
            Assert.Contains(negatives, n => Text(n!["field"]) == "proof");
            Assert.Contains(negatives, n => Text(n!["field"]) == "shared_point");
            foreach (JsonNode? negative in negatives)
            {
                byte[] flippedPoint = [.. point];
                byte[] flippedProof = [.. proof];
                (Text(negative!["field"]) == "proof" ? flippedProof : flippedPoint)[Int(negative["offset"])] ^= (byte)Int(negative["xor"]);

                Assert.Equal(flippedPoint, Bytes(negative["shared_point"]));
                Assert.Equal(flippedProof, Bytes(negative["proof"]));
                Assert.False(negative["verifies"]!.GetValue<bool>());
                Assert.False(SharePointProof.Verify(domain, proverPublic, peerPublic, round, peer, prover, flippedPoint, flippedProof));
            }
        }
    }

    [Fact]
    public void TryProveWithNonce_NonceNot64BytesOrZeroModOrder_Refused()
    {
        (byte[] proverPrivate, byte[] proverPublic) = ShareProofVectors.Key("prover", SharePointProof.ComplaintDomain, 0);
        (_, byte[] peerPublic) = ShareProofVectors.Key("peer", SharePointProof.ComplaintDomain, 0);
        byte[] multipleOfOrder = new byte[64];
        byte[] order = Scalar(Order * 3);
        order.CopyTo(multipleOfOrder, 0);

        foreach (byte[] nonce in new[] { new byte[32], new byte[65], new byte[64], multipleOfOrder })
        {
            Assert.False(SharePointProof.TryProveWithNonce(SharePointProof.ComplaintDomain, proverPrivate, proverPublic, peerPublic, ShareProofVectors.Round, 4, 7, nonce, new byte[Curve25519Points.EncodedSize], new byte[SharePointProof.ProofSize], new SecureRandom()));
        }
    }

    private static void AssertPoint(JsonNode point, BigInteger a, BigInteger b, BigInteger shift)
    {
        BigInteger x = Dec(point["x"]);
        BigInteger y = Dec(point["y"]);
        Assert.Equal(Mod((y * y) - ((((x * x) + a) * x) + b)), BigInteger.Zero);
        byte[] u = Mod(x - shift).ToByteArray(isUnsigned: true, isBigEndian: false);
        Array.Resize(ref u, 32);
        Assert.Equal([.. u, y.IsEven ? (byte)0 : (byte)1], Bytes(point["encoded"]));
    }

    private static byte[] Encode(ECPoint point)
    {
        byte[] encoded = new byte[Curve25519Points.EncodedSize];
        Curve25519Points.Encode(point, encoded);
        return encoded;
    }

    private static BigInteger Dec(JsonNode? node) => BigInteger.Parse(Text(node), System.Globalization.CultureInfo.InvariantCulture);

    private static BigInteger Le(byte[] bytes) => new(bytes, isUnsigned: true, isBigEndian: false);

    private static BcBigInteger Bc(BigInteger value) => new(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static BigInteger Mod(BigInteger value) => Mod(value, P);

    private static BigInteger Mod(BigInteger value, BigInteger modulus) => ((value % modulus) + modulus) % modulus;

    private static byte[] Scalar(BigInteger value)
    {
        byte[] bytes = value.ToByteArray(isUnsigned: true, isBigEndian: false);
        Array.Resize(ref bytes, 32);
        return bytes;
    }

    private static byte[] U32(int value) => BitConverter.IsLittleEndian ? BitConverter.GetBytes((uint)value) : [.. BitConverter.GetBytes((uint)value).Reverse()];
}
