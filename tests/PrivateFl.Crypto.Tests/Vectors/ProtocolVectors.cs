using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using static PrivateFl.Crypto.Tests.Vectors.VectorJson;

namespace PrivateFl.Crypto.Tests.Vectors;

/// <summary>
/// Builds <c>specs/vectors/protocol-v1.json</c> from the code: every derivation of specs/protocol.md that a
/// second implementation must reproduce, each with its inputs and outputs.
/// </summary>
internal static class ProtocolVectors
{
    public const string FileName = "protocol-v1.json";

    public static JsonObject Generate() => new()
    {
        ["format"] = "privatefl-vectors/1",
        ["protocol"] = "specs/protocol.md, version 1",
        ["encoding"] = "Byte strings are lowercase hex. uint32 words and small integers are JSON numbers; 64-bit values (field elements, random words) are decimal strings. Messages are the protocol records with snake_case members (the proto field names).",
        ["hkdf"] = Hkdf(),
        ["round_context"] = RoundContexts(),
        ["mask_generator"] = MaskStreams(),
        ["shamir"] = ShamirVectors(),
        ["graph"] = Graphs(),
        ["quantization"] = Quantization(),
        ["curve25519_points"] = ShareProofVectors.CurvePoints(),
        ["share_point_proofs"] = ShareProofVectors.Proofs(),
        ["expulsion"] = ExpulsionVector.Generate(),
        ["round"] = RoundVector.Generate(SecAggMode.Active),
        ["round_semi_honest"] = RoundVector.Generate(SecAggMode.SemiHonest),
    };

    private static JsonArray Hkdf()
    {
        var vectors = new JsonArray();
        (string Label, byte[] Ikm, byte[] Context, byte[] Salt, int Length)[] cases =
        [
            (KdfLabels.ShareKey, Range(0x00, 32), Range(0x40, 20), [], 32),
            (KdfLabels.MaskSeed, Range(0x20, 32), [], [], 32),
            (KdfLabels.Graph, Range(0x80, 32), Range(0x10, 49), [], 32),
            (KdfLabels.MaskSeed, Range(0x01, 32), Range(0x70, 3), Range(0xa0, 16), 42),
        ];
        foreach ((string label, byte[] ikm, byte[] context, byte[] salt, int length) in cases)
        {
            byte[] okm = new byte[length];
            Kdf.DeriveKey(ikm, label, context, okm, salt);
            vectors.Add(new JsonObject
            {
                ["label"] = label,
                ["context"] = Hex(context),
                ["ikm"] = Hex(ikm),
                ["salt"] = Hex(salt),
                ["info"] = Hex([.. System.Text.Encoding.ASCII.GetBytes(label), 0, .. context]),
                ["length"] = length,
                ["okm"] = Hex(okm),
            });
        }

        return vectors;
    }

    private static JsonArray RoundContexts()
    {
        var vectors = new JsonArray();
        foreach ((string session, long round) in new[] { ("s", 0L), ("credit-2026", 1L), (RoundVector.SessionId, RoundVector.RoundNumber), (new string('x', 64), long.MaxValue) })
        {
            byte[] seed = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes($"privatefl/vectors/graph-seed/{session}/{round}"));
            var identity = new RoundIdentity(session, round, seed);
            vectors.Add(new JsonObject
            {
                ["session_id"] = session,
                ["round_number"] = round.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["graph_seed"] = Hex(seed),
                ["context"] = Hex(identity.Context),
            });
        }

        return vectors;
    }

    private static JsonArray MaskStreams()
    {
        var vectors = new JsonArray();
        foreach (byte[] seed in new[] { Range(0x00, 32), SHA256.HashData("privatefl/vectors/mask"u8) })
        {
            uint[] words = new uint[1040];
            MaskGenerator.Generate(seed, words);
            vectors.Add(new JsonObject
            {
                ["seed"] = Hex(seed),
                ["first_words"] = Words(words.AsSpan(0, 16)),
                ["words_from_1020"] = Words(words.AsSpan(1020, 20)),
            });
        }

        return vectors;
    }

    private static JsonArray ShamirVectors()
    {
        var vectors = new JsonArray();
        foreach ((int threshold, int[] indices) in new[] { (2, new[] { 1, 2, 3 }), (3, new[] { 2, 5, 7, 1048576 }) })
        {
            byte[] secret = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes($"privatefl/vectors/shamir/{threshold}"));
            ByteStreamRandom random = ByteStreamRandom.FromLabel($"privatefl/vectors/shamir-randomness/{threshold}", 4096);
            ShamirShare[] shares = Shamir.Split(secret, threshold, indices, random);
            var coefficients = new JsonArray();
            var replay = new ByteStreamRandom(random.ConsumedBytes);
            for (int word = 0; word < ShamirShare.LimbCount; word++)
            {
                var row = new JsonArray { BinaryPrimitives.ReadUInt32LittleEndian(secret.AsSpan(word * 4)).ToString(System.Globalization.CultureInfo.InvariantCulture) };
                for (int c = 1; c < threshold; c++)
                {
                    row.Add(replay.NextBelow(MersenneField61.P).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                coefficients.Add(row);
            }

            vectors.Add(new JsonObject
            {
                ["secret"] = Hex(secret),
                ["threshold"] = threshold,
                ["indices"] = Ints(indices),
                ["random_bytes"] = Hex(random.ConsumedBytes),
                ["coefficients"] = coefficients,
                ["shares"] = new JsonArray([.. shares.Select(share => (JsonNode)new JsonObject
                {
                    ["index"] = share.Index,
                    ["values"] = new JsonArray([.. share.Limbs.ToArray().Select(l => (JsonNode)l.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
                    ["encoded"] = Hex(share.Encode()),
                })]),
            });
        }

        return vectors;
    }

    private static JsonArray Graphs()
    {
        var vectors = new JsonArray();
        foreach ((int n, long round) in new[] { (40, 0L), (40, 1L), (100, 5L) })
        {
            byte[] seed = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes($"privatefl/vectors/graph/{n}/{round}"));
            SecAggParameters parameters = SecAggParameters.SecAggPlus(n, 1, new RoundIdentity("graph-vectors", round, seed), SecAggMode.SemiHonest, dropoutRate: 0.1, corruptedFraction: 0, securityBits: 20, correctnessBits: 5);
            NeighbourGraph graph = NeighbourGraph.Create(parameters);
            byte[] key = new byte[32];
            Kdf.DeriveKey(parameters.Round.GraphSeed, KdfLabels.Graph, parameters.Round.Context, key);
            vectors.Add(new JsonObject
            {
                ["session_id"] = parameters.Round.SessionId,
                ["round_number"] = round,
                ["graph_seed"] = Hex(seed),
                ["participant_count"] = n,
                ["degree"] = graph.Degree,
                ["kind"] = graph.Kind.ToString().ToLowerInvariant(),
                ["graph_key"] = Hex(key),
                ["ring"] = Ints(Enumerable.Range(0, n).Select(p => Enumerable.Range(1, n).First(u => graph.PositionOf(u) == p))),
                ["neighbours"] = new JsonObject([.. Enumerable.Range(1, n).Select(u => new KeyValuePair<string, JsonNode?>(RoundVector.Key(u), Ints(graph.NeighboursOf(u))))]),
            });
        }

        return vectors;
    }

    private static JsonArray Quantization()
    {
        var vectors = new JsonArray();
        (double ClipNorm, double Scale, int Summands, double[] Values)[] cases =
        [
            (1.0, 1024, 4, [0.25, -0.5, 0.1, -0.001953125, 0.3, 0]),
            (1.0, 1 << 20, 100, [3.0, -4.0, 0.5, 1e-7, -2.5, 0.75]),
            (4.0, 1000.5, 10, [1.0, 2.0, -0.333, 0.1, -0.2, 0.7, 1e-3, -1e-4, 2.5e-2]),
        ];
        int caseNumber = 0;
        foreach ((double clipNorm, double scale, int summands, double[] values) in cases)
        {
            var quantizer = new FixedPointQuantizer(clipNorm, scale, summands);
            ByteStreamRandom random = ByteStreamRandom.FromLabel($"privatefl/vectors/quantization/{caseNumber++}", 4096);
            uint[] encoded = new uint[values.Length];
            quantizer.Encode(values, encoded, random);
            double[] decoded = new double[values.Length];
            quantizer.Decode(encoded, decoded);
            byte[] randomBytes = random.ConsumedBytes;
            vectors.Add(new JsonObject
            {
                ["clip_norm"] = clipNorm,
                ["scale"] = scale,
                ["max_summands"] = summands,
                ["input"] = new JsonArray([.. values.Select(v => (JsonNode)v)]),
                ["clip_factor"] = PrivateFl.Crypto.Privacy.Clipping.ClipFactor(values, clipNorm),
                ["rounding_words"] = new JsonArray([.. Enumerable.Range(0, randomBytes.Length / 8).Select(i => (JsonNode)BinaryPrimitives.ReadUInt64LittleEndian(randomBytes.AsSpan(i * 8)).ToString(System.Globalization.CultureInfo.InvariantCulture))]),
                ["encoded"] = Words(encoded),
                ["decoded"] = new JsonArray([.. decoded.Select(v => (JsonNode)v)]),
            });
        }

        return vectors;
    }

    public static byte[] Range(int start, int count) => [.. Enumerable.Range(start, count).Select(i => (byte)i)];
}
