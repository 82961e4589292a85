using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg.Messages;
using static PrivateFl.Crypto.Tests.Vectors.VectorJson;

namespace PrivateFl.Crypto.Tests.Vectors;

/// <summary>
/// Checks the <c>expulsion</c> section of <c>protocol-v1.json</c> against the evidence rules of specs/protocol.md §2.9,
/// recomputed from SHA-256, Ed25519 (BouncyCastle) and Lagrange interpolation over GF(2^61 − 1) with System.Numerics,
/// and against the code's commitment encoding and <see cref="Shamir.Reconstruct"/>.
/// </summary>
public sealed class ExpulsionVectorTests
{
    private static readonly Lazy<JsonObject> File = new(() => VectorFile.Load(ProtocolVectors.FileName));

    [Fact]
    public void Expulsion_Vector_SplitDealerEvidenceProvesMisbehaviourAndHonestDealerEvidenceDoesNot()
    {
        JsonNode vector = File.Value["expulsion"]!;
        byte[] context = Bytes(vector["context"]);
        int culprit = Int(vector["culprit"]);
        int t = Int(vector["threshold"]);
        int n = Int(vector["participant_count"]);
        byte[] identityPublic = Bytes(vector["identity_public_key"]);
        byte[] committed = Bytes(vector["self_mask_commitment"]);
        long roundNumber = long.Parse(Text(vector["round_number"]), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(context, Independent.Context(Text(vector["session_id"]), roundNumber, Bytes(vector["graph_seed"])));
        Assert.Equal(identityPublic, Independent.Ed25519PublicKey(Bytes(vector["identity_private_key"])));
        Assert.Equal(committed, SelfMaskCommitment(context, culprit, Bytes(vector["self_mask_seed"])));
        Assert.NotEqual(committed, SelfMaskCommitment(context, culprit, Bytes(vector["other_seed"])));

        var verdicts = new Dictionary<string, bool>();
        foreach (JsonNode? entry in vector["cases"]!.AsArray())
        {
            CulpritEvidence evidence = Message<CulpritEvidence>(entry!["evidence"]);
            JsonArray checks = entry["checks"]!.AsArray();
            Assert.Equal(culprit, evidence.Culprit);
            Assert.Equal(checks.Count, evidence.Shares.Count);
            Assert.Equal(evidence.Shares.Count, evidence.Shares.Select(s => s.Holder).Distinct().Count());
            var shares = new List<(int X, BigInteger[] Values)>();
            for (int i = 0; i < evidence.Shares.Count; i++)
            {
                DealtShareEvidence dealt = evidence.Shares[i];
                byte[] share = dealt.Share.ToArray();
                Assert.InRange(dealt.Holder, 1, n);
                Assert.NotEqual(culprit, dealt.Holder);
                Assert.Equal(dealt.Holder, Int(checks[i]!["holder"]));
                Assert.Equal((68, 32, 64, 64), (share.Length, dealt.Salt.Length, dealt.Commitments.Length, dealt.Signature.Length));

                // Step 3: the share opens H^b = SHA-256(domain || 0x00 || context || u || v || 0x00 (kind b) || share || salt).
                byte[] commitmentInput = [.. Independent.Framed("privatefl/v1/share-commitment", context, (uint)culprit, (uint)dealt.Holder), 0, .. share, .. dealt.Salt.ToArray()];
                Assert.Equal(Bytes(checks[i]!["commitment_input"]), commitmentInput);
                Assert.Equal(dealt.Commitments[..32].ToArray(), SHA256.HashData(commitmentInput));
                Assert.True(CommitmentEncoding.OpensShareCommitment(ExpulsionVector.Round, culprit, dealt.Holder, SecretKind.SelfMaskSeed, share, dealt.Salt.Span, dealt.Commitments.Span[..32]));

                // H^s (not checked by a client, which never sees the s share; recorded so the commitments are reproducible).
                byte[] maskCommitmentInput = [.. Independent.Framed("privatefl/v1/share-commitment", context, (uint)culprit, (uint)dealt.Holder), 1, .. Bytes(checks[i]!["mask_key_share"]), .. Bytes(checks[i]!["mask_key_salt"])];
                Assert.Equal(dealt.Commitments[32..].ToArray(), SHA256.HashData(maskCommitmentInput));

                // Step 2: the dealer's signature over the share-signature payload.
                byte[] payload = [.. Independent.Framed("privatefl/v1/share-signature", context, (uint)culprit, (uint)dealt.Holder), .. dealt.Commitments.ToArray(), .. dealt.Ciphertext.ToArray()];
                Assert.Equal(Bytes(checks[i]!["signature_payload"]), payload);
                Assert.True(Independent.Ed25519Verify(identityPublic, payload, dealt.Signature.ToArray()));

                (int x, BigInteger[] values) = Independent.DecodeShare(share);
                Assert.Equal(dealt.Holder, x);
                shares.Add((x, values));
            }

            // Step 4: the polynomial through the first t shares, checked at the rest; if consistent, its constant against C_u.
            Assert.True(shares.Count >= t);
            bool consistent = shares.Skip(t).All(s => Enumerable.Range(0, 8).All(word => InterpolateAt(shares.Take(t).ToList(), word, s.X) == s.Values[word]));
            Assert.Equal(consistent, entry["shares_consistent"]!.GetValue<bool>());
            bool proves;
            byte[] code = new byte[32];
            if (consistent)
            {
                byte[] seed = Independent.Reconstruct(shares.Take(t).ToList());
                Assert.Equal(Bytes(entry["reconstructed_seed"]), seed);
                proves = !SelfMaskCommitment(context, culprit, seed).SequenceEqual(committed);
                Shamir.Reconstruct([.. evidence.Shares.Select(s => ShamirShare.Decode(s.Share.Span))], t, code);
                Assert.Equal(seed, code);
            }
            else
            {
                proves = true;
                Assert.Null(entry["reconstructed_seed"]);
                Assert.Throws<SecretSharingException>(() => Shamir.Reconstruct([.. evidence.Shares.Select(s => ShamirShare.Decode(s.Share.Span))], t, code));
            }

            Assert.Equal(proves, entry["proves_misbehaviour"]!.GetValue<bool>());
            verdicts[Text(entry["name"])] = proves;
        }

        Assert.True(verdicts["split_dealer"]);
        Assert.False(verdicts["honest_dealer"]);
    }

    private static byte[] SelfMaskCommitment(byte[] context, int owner, byte[] seed) =>
        SHA256.HashData([.. Independent.Framed("privatefl/v1/self-mask-commitment", context, (uint)owner), .. seed]);

    /// <summary>Lagrange interpolation over GF(2^61 − 1) of one word, evaluated at x.</summary>
    private static BigInteger InterpolateAt(IReadOnlyList<(int X, BigInteger[] Values)> shares, int word, int x)
    {
        BigInteger p = Independent.P;
        BigInteger sum = 0;
        foreach ((int xi, BigInteger[] values) in shares)
        {
            BigInteger numerator = 1;
            BigInteger denominator = 1;
            foreach ((int xj, _) in shares.Where(s => s.X != xi))
            {
                numerator = numerator * ((((x - xj) % p) + p) % p) % p;
                denominator = denominator * ((((xi - xj) % p) + p) % p) % p;
            }

            sum = (sum + (values[word] * numerator % p * BigInteger.ModPow(denominator, p - 2, p))) % p;
        }

        return sum;
    }
}
