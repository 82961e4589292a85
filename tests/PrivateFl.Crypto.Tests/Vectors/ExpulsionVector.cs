using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using static PrivateFl.Crypto.Tests.Vectors.VectorJson;

namespace PrivateFl.Crypto.Tests.Vectors;

/// <summary>
/// Builds the <c>expulsion</c> section of <c>protocol-v1.json</c>: the evidence layout of one culprit
/// (specs/protocol.md §2.9), an active-mode dealer that gave holders 1 and 3 shares of its committed b_u and holders
/// 4 and 5 shares of another seed, and the same layout for an honest dealer, which proves nothing.
/// </summary>
internal static class ExpulsionVector
{
    public const int Culprit = 2;

    public const int Threshold = 3;

    public static readonly int[] Holders = [1, 3, 4, 5];

    public static readonly int[] FirstPolynomialHolders = [1, 3];

    public static RoundIdentity Round { get; } = new("expulsion-vectors", 5, SHA256.HashData("privatefl/vectors/expulsion/graph-seed"u8));

    public static JsonObject Generate()
    {
        byte[] identitySeed = Label("identity");
        using SigningKey identity = SigningKey.Import(identitySeed);
        byte[] selfMaskSeed = Label("self-mask-seed");
        byte[] otherSeed = Label("other-seed");
        byte[] maskKey = Label("mask-key");
        byte[] commitment = new byte[CommitmentEncoding.CommitmentSize];
        CommitmentEncoding.SelfMaskCommitment(Round, Culprit, selfMaskSeed, commitment);
        return new JsonObject
        {
            ["description"] = "Active mode, complete graph of 5 clients, t = 3. Dealer 2 committed C_u to self_mask_seed but dealt holders 1 and 3 shares of it and holders 4 and 5 shares of other_seed; every share opens its H^b and carries the dealer's share signature. ciphertext is a fixed stand-in for the AEAD output of §2.4 (the evidence check only verifies the signature over it).",
            ["session_id"] = Round.SessionId,
            ["round_number"] = Round.RoundNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["graph_seed"] = Hex(Round.GraphSeed),
            ["context"] = Hex(Round.Context),
            ["participant_count"] = 5,
            ["graph"] = "complete",
            ["threshold"] = Threshold,
            ["culprit"] = Culprit,
            ["identity_private_key"] = Hex(identitySeed),
            ["identity_public_key"] = Hex(identity.PublicKey),
            ["self_mask_seed"] = Hex(selfMaskSeed),
            ["self_mask_commitment"] = Hex(commitment),
            ["other_seed"] = Hex(otherSeed),
            ["mask_private_key"] = Hex(maskKey),
            ["cases"] = new JsonArray(
                Case("split_dealer", identity, selfMaskSeed, otherSeed, maskKey, FirstPolynomialHolders),
                Case("honest_dealer", identity, selfMaskSeed, otherSeed, maskKey, Holders)),
        };
    }

    private static JsonObject Case(string name, SigningKey identity, byte[] selfMaskSeed, byte[] otherSeed, byte[] maskKey, int[] firstPolynomialHolders)
    {
        ShamirShare[] first = Shamir.Split(selfMaskSeed, Threshold, Holders, ByteStreamRandom.FromLabel($"privatefl/vectors/expulsion/{name}/b", 4096));
        ShamirShare[] second = Shamir.Split(otherSeed, Threshold, Holders, ByteStreamRandom.FromLabel($"privatefl/vectors/expulsion/{name}/other", 4096));
        ShamirShare[] maskShares = Shamir.Split(maskKey, Threshold, Holders, ByteStreamRandom.FromLabel($"privatefl/vectors/expulsion/{name}/s", 4096));
        ByteStreamRandom salts = ByteStreamRandom.FromLabel($"privatefl/vectors/expulsion/{name}/salts", 4096);
        var evidence = new List<DealtShareEvidence>();
        var checks = new JsonArray();
        for (int h = 0; h < Holders.Length; h++)
        {
            int holder = Holders[h];
            byte[] share = (firstPolynomialHolders.Contains(holder) ? first : second)[h].Encode();
            byte[] saltB = new byte[CommitmentEncoding.SaltSize];
            byte[] saltS = new byte[CommitmentEncoding.SaltSize];
            salts.Fill(saltB);
            salts.Fill(saltS);
            byte[] commitments = new byte[CommitmentEncoding.ShareCommitmentsSize];
            CommitmentEncoding.ShareCommitment(Round, Culprit, holder, SecretKind.SelfMaskSeed, share, saltB, commitments.AsSpan(0, CommitmentEncoding.CommitmentSize));
            CommitmentEncoding.ShareCommitment(Round, Culprit, holder, SecretKind.MaskKey, maskShares[h].Encode(), saltS, commitments.AsSpan(CommitmentEncoding.CommitmentSize));
            byte[] ciphertext = new byte[236];
            ByteStreamRandom.FromLabel($"privatefl/vectors/expulsion/ciphertext/{holder}", 236).Fill(ciphertext);
            byte[] payload = CommitmentEncoding.ShareSignaturePayload(Round, Culprit, holder, commitments, ciphertext);
            evidence.Add(new DealtShareEvidence(holder, share, saltB, commitments, ciphertext, identity.Sign(payload)));
            checks.Add(new JsonObject
            {
                ["holder"] = holder,
                ["commitment_input"] = Hex([.. System.Text.Encoding.ASCII.GetBytes(CommitmentEncoding.ShareDomain), 0, .. Round.Context, .. U32(Culprit), .. U32(holder), (byte)SecretKind.SelfMaskSeed, .. share, .. saltB]),
                ["mask_key_share"] = Hex(maskShares[h].Encode()),
                ["mask_key_salt"] = Hex(saltS),
                ["signature_payload"] = Hex(payload),
            });
        }

        var decoded = evidence.Select(e => ShamirShare.Decode(e.Share.Span)).ToList();
        byte[] reconstructed = new byte[Shamir.SecretSize];
        bool consistent = true;
        try
        {
            Shamir.Reconstruct(decoded, Threshold, reconstructed);
        }
        catch (SecretSharingException)
        {
            consistent = false;
        }

        bool proves = !consistent || !CommitmentMatches(reconstructed, selfMaskSeed);
        return new JsonObject
        {
            ["name"] = name,
            ["first_polynomial_holders"] = Ints(firstPolynomialHolders),
            ["evidence"] = Message(new CulpritEvidence(Culprit, evidence)),
            ["checks"] = checks,
            ["shares_consistent"] = consistent,
            ["reconstructed_seed"] = consistent ? Hex(reconstructed) : null,
            ["proves_misbehaviour"] = proves,
        };
    }

    private static bool CommitmentMatches(byte[] seed, byte[] committedSeed)
    {
        byte[] left = new byte[CommitmentEncoding.CommitmentSize];
        byte[] right = new byte[CommitmentEncoding.CommitmentSize];
        CommitmentEncoding.SelfMaskCommitment(Round, Culprit, seed, left);
        CommitmentEncoding.SelfMaskCommitment(Round, Culprit, committedSeed, right);
        return left.AsSpan().SequenceEqual(right);
    }

    private static byte[] Label(string name) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes($"privatefl/vectors/expulsion/{name}"));

    private static byte[] U32(int value)
    {
        byte[] bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)value);
        return bytes;
    }
}
