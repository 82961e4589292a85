using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using static PrivateFl.Crypto.Tests.Vectors.VectorJson;

namespace PrivateFl.Crypto.Tests.Vectors;

/// <summary>
/// Checks <c>specs/vectors/protocol-v1.json</c>: that the code still produces it byte for byte, that each vector
/// agrees with an independent computation from specs/protocol.md and the bare primitives, and that replaying the
/// round's messages through the real state machines reproduces every reply.
/// </summary>
public sealed class ProtocolVectorTests
{
    private static readonly Lazy<JsonObject> File = new(() => VectorFile.Load(ProtocolVectors.FileName));

    /// <summary>The whole-round vectors: "round" (active mode) and "round_semi_honest".</summary>
    public static TheoryData<string> Rounds => new() { "round", "round_semi_honest" };

    [Fact]
    public void VectorFile_GeneratedFromCode_EqualsFile()
    {
        string? difference = VectorFile.WriteOrCompare(ProtocolVectors.FileName, ProtocolVectors.Generate());

        Assert.True(difference is null, $"specs/vectors/{ProtocolVectors.FileName} is stale ({difference}); regenerate it as specs/vectors/README.md says.");
    }

    [Fact]
    public void Hkdf_Vectors_EqualIndependentHmacHkdfOverNulSeparatedInfo()
    {
        foreach (JsonNode? vector in File.Value["hkdf"]!.AsArray())
        {
            byte[] context = Bytes(vector!["context"]);
            byte[] info = Bytes(vector["info"]);
            byte[] ikm = Bytes(vector["ikm"]);
            byte[] salt = Bytes(vector["salt"]);
            int length = Int(vector["length"]);
            byte[] code = new byte[length];
            Kdf.DeriveKey(ikm, Text(vector["label"]), context, code, salt);

            Assert.Equal(Independent.LabelInfo(Text(vector["label"]), context), info);
            Assert.Equal(Text(vector["okm"]), Hex(Independent.Hkdf(ikm, salt, info, length)));
            Assert.Equal(Text(vector["okm"]), Hex(code));
        }
    }

    [Fact]
    public void RoundContext_Vectors_EqualLengthPrefixedSessionRoundAndSeed()
    {
        foreach (JsonNode? vector in File.Value["round_context"]!.AsArray())
        {
            long round = long.Parse(Text(vector!["round_number"]), System.Globalization.CultureInfo.InvariantCulture);
            byte[] seed = Bytes(vector["graph_seed"]);
            var identity = new RoundIdentity(Text(vector["session_id"]), round, seed);

            Assert.Equal(Text(vector["context"]), Hex(Independent.Context(Text(vector["session_id"]), round, seed)));
            Assert.Equal(Text(vector["context"]), Hex(identity.Context));
        }
    }

    [Fact]
    public void MaskGenerator_Vectors_EqualAesOfBigEndianCounters()
    {
        foreach (JsonNode? vector in File.Value["mask_generator"]!.AsArray())
        {
            uint[] independent = Independent.MaskWords(Bytes(vector!["seed"]), 1040);
            uint[] code = new uint[1040];
            MaskGenerator.Generate(Bytes(vector["seed"]), code);

            Assert.Equal(Words(vector["first_words"]), independent[..16]);
            Assert.Equal(Words(vector["words_from_1020"]), independent[1020..1040]);
            Assert.Equal(independent, code);
        }
    }

    [Fact]
    public void Shamir_Vectors_CoefficientsFromStreamEvaluateToSharesThatReconstructTheSecret()
    {
        foreach (JsonNode? vector in File.Value["shamir"]!.AsArray())
        {
            byte[] secret = Bytes(vector!["secret"]);
            int threshold = Int(vector["threshold"]);
            int[] indices = Ints(vector["indices"]);
            byte[] stream = Bytes(vector["random_bytes"]);
            BigInteger[][] coefficients = [.. vector["coefficients"]!.AsArray().Select(row => row!.AsArray().Select(c => BigInteger.Parse(Text(c), System.Globalization.CultureInfo.InvariantCulture)).ToArray())];

            // The draw rule: word by word, coefficient by coefficient, uint64_le of the next 8 bytes masked to 61 bits, retried if ≥ p.
            int position = 0;
            for (int word = 0; word < 8; word++)
            {
                Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(secret.AsSpan(word * 4)), (uint)coefficients[word][0]);
                for (int c = 1; c < threshold; c++)
                {
                    BigInteger drawn;
                    do
                    {
                        drawn = BinaryPrimitives.ReadUInt64LittleEndian(stream.AsSpan(position)) & ((1UL << 61) - 1);
                        position += 8;
                    }
                    while (drawn >= Independent.P);

                    Assert.Equal(drawn, coefficients[word][c]);
                }
            }

            Assert.Equal(stream.Length, position);
            JsonArray shares = vector["shares"]!.AsArray();
            var decoded = new List<(int X, BigInteger[] Values)>();
            for (int h = 0; h < indices.Length; h++)
            {
                byte[] encoded = Bytes(shares[h]!["encoded"]);
                (int x, BigInteger[] values) = Independent.DecodeShare(encoded);
                Assert.Equal(68, encoded.Length);
                Assert.Equal(indices[h], x);
                for (int word = 0; word < 8; word++)
                {
                    Assert.Equal(Independent.Evaluate(coefficients[word], x), values[word]);
                    Assert.Equal(Text(shares[h]!["values"]![word]), values[word].ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                decoded.Add((x, values));
            }

            Assert.Equal(secret, Independent.Reconstruct(decoded.Take(threshold).ToList()));
            Assert.Equal(secret, Independent.Reconstruct(decoded.Skip(decoded.Count - threshold).ToList()));
            ShamirShare[] code = Shamir.Split(secret, threshold, indices, new ByteStreamRandom(stream));
            Assert.Equal(shares.Select(s => Text(s!["encoded"])), code.Select(s => Hex(s.Encode())));
        }
    }

    [Fact]
    public void Graph_Vectors_EqualFisherYatesOverGraphKeyStreamAndRingDistance()
    {
        foreach (JsonNode? vector in File.Value["graph"]!.AsArray())
        {
            int n = Int(vector!["participant_count"]);
            int k = Int(vector["degree"]);
            byte[] seed = Bytes(vector["graph_seed"]);
            byte[] context = Independent.Context(Text(vector["session_id"]), Long(vector["round_number"]), seed);
            byte[] key = Independent.Hkdf(seed, [], Independent.LabelInfo(KdfLabels.Graph, context), 32);
            uint[] words = Independent.MaskWords(key, 64 * n);
            int next = 0;
            int[] order = [.. Enumerable.Range(1, n)];
            for (int i = n - 1; i > 0; i--)
            {
                uint mask = uint.MaxValue >> BitOperations.LeadingZeroCount((uint)i);
                uint j;
                do
                {
                    j = words[next++] & mask;
                }
                while (j > i);

                (order[i], order[j]) = (order[j], order[i]);
            }

            Assert.Equal(Text(vector["graph_key"]), Hex(key));
            Assert.Equal(order, Ints(vector["ring"]));
            for (int u = 1; u <= n; u++)
            {
                int pu = Array.IndexOf(order, u);
                int[] expected = [.. Enumerable.Range(1, n).Where(v => v != u && Math.Min(Math.Abs(pu - Array.IndexOf(order, v)), n - Math.Abs(pu - Array.IndexOf(order, v))) <= k / 2)];
                Assert.Equal(expected, Ints(vector["neighbours"]![RoundVector.Key(u)]));
            }
        }
    }

    [Fact]
    public void Quantization_Vectors_EqualClipScaleStochasticRoundWrap()
    {
        foreach (JsonNode? vector in File.Value["quantization"]!.AsArray())
        {
            double clipNorm = vector!["clip_norm"]!.GetValue<double>();
            double scale = vector["scale"]!.GetValue<double>();
            double[] input = [.. vector["input"]!.AsArray().Select(v => v!.GetValue<double>())];
            double f = vector["clip_factor"]!.GetValue<double>();
            ulong[] words = [.. vector["rounding_words"]!.AsArray().Select(w => ulong.Parse(Text(w), System.Globalization.CultureInfo.InvariantCulture))];
            uint[] encoded = Words(vector["encoded"]);
            double norm = Math.Sqrt(input.Sum(x => x * x));
            double scaledNorm = Math.Sqrt(input.Sum(x => (x * f) * (x * f)));

            // Step 1: f = 1 within the bound, else the largest double with ‖f·x‖ ≤ C.
            Assert.True(norm <= clipNorm ? f == 1.0 : scaledNorm <= clipNorm && f <= clipNorm / norm && Math.Sqrt(input.Sum(x => (x * Math.BitIncrement(f)) * (x * Math.BitIncrement(f)))) > clipNorm);
            for (int i = 0; i < input.Length; i++)
            {
                double y = input[i] * (f * scale);
                double floor = Math.Floor(y);
                double u = (words[i] >> 11) * (1.0 / (1UL << 53));
                long q = (long)floor + (u < y - floor ? 1 : 0);
                Assert.Equal(unchecked((uint)q), encoded[i]);
                Assert.Equal(vector["decoded"]![i]!.GetValue<double>(), unchecked((int)encoded[i]) / scale);
            }

            byte[] stream = new byte[words.Length * 8];
            for (int i = 0; i < words.Length; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(stream.AsSpan(i * 8), words[i]);
            }

            uint[] code = new uint[input.Length];
            new FixedPointQuantizer(clipNorm, scale, Int(vector["max_summands"])).Encode(input, code, new ByteStreamRandom(stream));
            Assert.Equal(encoded, code);
        }
    }

    [Theory]
    [MemberData(nameof(Rounds))]
    public void Round_ClientKeysAndPairs_EqualIndependentX25519AndHkdf(string roundName)
    {
        JsonObject round = File.Value[roundName]!.AsObject();
        JsonObject messages = round["messages"]!.AsObject();
        JsonObject clients = round["clients"]!.AsObject();
        byte[] context = Independent.Context(Text(round["session_id"]), Long(round["round_number"]), Bytes(round["graph_seed"]));
        Assert.Equal(Text(round["context"]), Hex(context));
        foreach ((string key, JsonNode? client) in clients)
        {
            AdvertisedKeys advertised = Message<AdvertisedKeys>(messages["advertise_keys"]![key]);
            Assert.Equal(Hex(Independent.X25519PublicKey(Bytes(client!["cipher_private_key"]))), Hex(advertised.CipherPublicKey.Span));
            Assert.Equal(Hex(Independent.X25519PublicKey(Bytes(client["mask_private_key"]))), Hex(advertised.MaskPublicKey.Span));
            Assert.Equal(Text(client["identity_public_key"]), Hex(Independent.Ed25519PublicKey(Bytes(client["identity_private_key"]))));
        }

        foreach (JsonNode? pair in round["pairs"]!.AsArray())
        {
            JsonNode u = clients[RoundVector.Key(Int(pair!["u"]))]!;
            JsonNode v = clients[RoundVector.Key(Int(pair["v"]))]!;
            foreach ((string name, string privateField) in new[] { ("share_key", "cipher_private_key"), ("mask_seed", "mask_private_key") })
            {
                byte[] shared = Independent.X25519(Bytes(u[privateField]), Independent.X25519PublicKey(Bytes(v[privateField])));
                byte[] reverse = Independent.X25519(Bytes(v[privateField]), Independent.X25519PublicKey(Bytes(u[privateField])));
                byte[] info = Bytes(pair[$"{name}_info"]);
                byte[] pairContext = [.. context, .. LittleEndian((uint)Int(pair["u"])), .. Independent.X25519PublicKey(Bytes(u[privateField])), .. LittleEndian((uint)Int(pair["v"])), .. Independent.X25519PublicKey(Bytes(v[privateField]))];

                // info = label || 0x00 || round context || uint32_le(lo) || pk_lo || uint32_le(hi) || pk_hi (pairs are listed with u < v).
                Assert.Equal(Independent.LabelInfo(Text(pair[$"{name}_label"]), pairContext), info);
                Assert.Equal(shared, reverse);
                Assert.Equal(Text(pair[$"{name}_x25519_shared_secret"]), Hex(shared));
                Assert.Equal(Text(pair[name]), Hex(Independent.Hkdf(shared, [], info, 32)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Rounds))]
    public void Round_Shares_EqualIndependentAesGcmOfTheSharePlaintext(string roundName)
    {
        JsonObject round = File.Value[roundName]!.AsObject();
        JsonObject messages = round["messages"]!.AsObject();
        byte[] context = Bytes(round["context"]);
        JsonObject clients = round["clients"]!.AsObject();
        var received = new Dictionary<int, List<(int X, BigInteger[] B, BigInteger[] S)>>();
        foreach (JsonNode? share in round["shares"]!.AsArray())
        {
            int sender = Int(share!["sender"]);
            int recipient = Int(share["recipient"]);
            byte[] plaintext = Bytes(share["plaintext"]);
            byte[] associatedData = Bytes(share["associated_data"]);
            JsonNode pair = round["pairs"]!.AsArray().First(p => Int(p!["u"]) == Math.Min(sender, recipient) && Int(p!["v"]) == Math.Max(sender, recipient))!;
            (int xb, BigInteger[] b) = Independent.DecodeShare(Bytes(share["self_mask_seed_share"]));
            (int xs, BigInteger[] s) = Independent.DecodeShare(Bytes(share["mask_key_share"]));

            Assert.Equal(Independent.Framed("privatefl/v1/share", context, (uint)sender, (uint)recipient), associatedData);
            Assert.Equal(Text(pair["share_key"]), Text(share["share_key"]));
            Assert.Equal(208, plaintext.Length);
            Assert.Equal((uint)sender, BinaryPrimitives.ReadUInt32LittleEndian(plaintext));
            Assert.Equal((uint)recipient, BinaryPrimitives.ReadUInt32LittleEndian(plaintext.AsSpan(4)));
            Assert.Equal(Text(share["self_mask_seed_share"]) + Text(share["self_mask_seed_salt"]) + Text(share["mask_key_share"]) + Text(share["mask_key_salt"]), Hex(plaintext.AsSpan(8)));

            // H_uv^k = SHA-256(framed(share-commitment, u, v) || kind || share || salt); the dealer signs H^b || H^s || ciphertext.
            byte[] commitmentB = SHA256.HashData([.. Independent.Framed("privatefl/v1/share-commitment", context, (uint)sender, (uint)recipient), 0, .. Bytes(share["self_mask_seed_share"]), .. Bytes(share["self_mask_seed_salt"])]);
            byte[] commitmentS = SHA256.HashData([.. Independent.Framed("privatefl/v1/share-commitment", context, (uint)sender, (uint)recipient), 1, .. Bytes(share["mask_key_share"]), .. Bytes(share["mask_key_salt"])]);
            Assert.Equal(Hex(commitmentB) + Hex(commitmentS), Text(share["commitments"]));
            Assert.Equal(Hex([.. Independent.Framed("privatefl/v1/share-signature", context, (uint)sender, (uint)recipient), .. commitmentB, .. commitmentS, .. Bytes(share["message"])]), Text(share["signature_payload"]));
            Assert.Equal((recipient, recipient), (xb, xs));
            Assert.Equal(Text(share["message"]), Hex(Independent.AesGcmSeal(Bytes(share["share_key"]), Bytes(share["nonce"]), plaintext, associatedData)));
            Assert.Contains(Message<ShareKeys>(messages["share_keys"]![RoundVector.Key(sender)]).Shares, e => e.Recipient == recipient && Hex(e.Ciphertext.Span) == Text(share["message"]));
            (received.TryGetValue(sender, out var list) ? list : received[sender] = []).Add((xb, b, s));
        }

        foreach ((int sender, List<(int X, BigInteger[] B, BigInteger[] S)> shares) in received)
        {
            JsonNode client = clients[RoundVector.Key(sender)]!;
            Assert.Equal(Text(client["self_mask_seed"]), Hex(Independent.Reconstruct([.. shares.Select(s => (s.X, s.B))])));
            Assert.Equal(Text(client["mask_private_key"]), Hex(Independent.Reconstruct([.. shares.Select(s => (s.X, s.S))])));
        }
    }

    [Fact]
    public void Round_SignedStrings_AreFramedAndVerifyUnderTheIdentityKeys()
    {
        JsonObject round = File.Value["round"]!.AsObject();
        JsonObject messages = round["messages"]!.AsObject();
        byte[] context = Bytes(round["context"]);
        JsonObject clients = round["clients"]!.AsObject();
        foreach (JsonNode? entry in round["signed_strings"]!["advertise"]!.AsArray())
        {
            int sender = Int(entry!["sender"]);
            AdvertisedKeys advertised = Message<AdvertisedKeys>(messages["advertise_keys"]![RoundVector.Key(sender)]);
            byte[] payload = [.. Independent.Framed("privatefl/v1/advertise", context, (uint)sender), .. advertised.CipherPublicKey.Span, .. advertised.MaskPublicKey.Span, .. advertised.SelfMaskCommitment.Span];
            byte[] commitment = SHA256.HashData([.. Independent.Framed("privatefl/v1/self-mask-commitment", context, (uint)sender), .. Bytes(clients[RoundVector.Key(sender)]!["self_mask_seed"])]);
            Assert.Equal(Hex(commitment), Hex(advertised.SelfMaskCommitment.Span));

            Assert.Equal(Text(entry["payload"]), Hex(payload));
            Assert.True(Independent.Ed25519Verify(Bytes(clients[RoundVector.Key(sender)]!["identity_public_key"]), payload, advertised.Signature.ToArray()));
        }

        int[] survivors = Ints(round["signed_strings"]!["consistency"]!["survivors"]);
        byte[] consistency = Independent.Framed("privatefl/v1/consistency", context, [(uint)survivors.Length, .. survivors.Select(s => (uint)s)]);
        Assert.Equal(Text(round["signed_strings"]!["consistency"]!["payload"]), Hex(consistency));
        foreach (ConsistencySignature signature in Message<ConsistencyProof>(messages["consistency_proof"]).Signatures)
        {
            Assert.True(Independent.Ed25519Verify(Bytes(clients[RoundVector.Key(signature.Sender)]!["identity_public_key"]), consistency, signature.Signature.ToArray()));
        }
    }

    [Theory]
    [MemberData(nameof(Rounds))]
    public void Round_MaskedInputsAndSum_EqualIndependentMasking(string roundName)
    {
        JsonObject round = File.Value[roundName]!.AsObject();
        JsonObject messages = round["messages"]!.AsObject();
        JsonObject clients = round["clients"]!.AsObject();
        int d = Int(round["vector_length"]);
        int dropped = Int(round["dropped_after_share_keys"]);
        JsonArray pairs = round["pairs"]!.AsArray();
        uint[] unmasked = new uint[d];
        foreach ((string key, JsonNode? node) in messages["masked_inputs"]!.AsObject())
        {
            int u = int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
            uint[] y = Words(clients[key]!["input"]);
            Add(y, Independent.MaskWords(Bytes(clients[key]!["self_mask_seed"]), d), 1);
            foreach (JsonNode? pair in pairs.Where(p => Int(p!["u"]) == u || Int(p!["v"]) == u))
            {
                // + PRG(s_uv) when u < v, − when v < u; every other bank sent u its shares in this round.
                Add(y, Independent.MaskWords(Bytes(pair!["mask_seed"]), d), Int(pair["u"]) == u ? 1 : -1);
            }

            Assert.Equal(y, Message<MaskedInput>(node).Vector.ToArray());
            Add(unmasked, y, 1);
            Add(unmasked, Independent.MaskWords(Bytes(clients[key]!["self_mask_seed"]), d), -1);
            JsonNode withDropped = pairs.First(p => Int(p!["u"]) == Math.Min(u, dropped) && Int(p!["v"]) == Math.Max(u, dropped))!;
            Add(unmasked, Independent.MaskWords(Bytes(withDropped["mask_seed"]), d), u < dropped ? -1 : 1);
        }

        uint[] plain = new uint[d];
        foreach (int u in Ints(messages["survivor_list"]!["survivors"]))
        {
            Add(plain, Words(clients[RoundVector.Key(u)]!["input"]), 1);
        }

        Assert.Equal(plain, Words(round["expected_sum"]));
        Assert.Equal(plain, unmasked);
        Assert.Equal(plain, Words(messages["result"]!["sum"]));
    }

    [Theory]
    [MemberData(nameof(Rounds))]
    public void Round_KeyDirectories_ListEveryOtherAdvertiserButNeverTheRecipient(string roundName)
    {
        JsonObject round = File.Value[roundName]!.AsObject();
        JsonObject messages = round["messages"]!.AsObject();
        foreach ((string key, JsonNode? node) in messages["key_directories"]!.AsObject())
        {
            int recipient = int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
            int[] listed = [.. Message<KeyDirectory>(node).Entries.Select(e => e.Sender)];

            Assert.Equal(Enumerable.Range(1, Int(round["participant_count"])).Where(u => u != recipient), listed);
        }
    }

    [Theory]
    [MemberData(nameof(Rounds))]
    public void Round_ServerReplay_ReproducesEveryServerMessage(string roundName)
    {
        JsonObject round = File.Value[roundName]!.AsObject();
        JsonObject messages = round["messages"]!.AsObject();
        SecAggMode mode = Text(round["mode"]) == "active" ? SecAggMode.Active : SecAggMode.SemiHonest;
        SecAggParameters parameters = RoundVector.Parameters(mode);
        var server = new AggregationRound(parameters, mode == SecAggMode.Active ? RoundVector.IdentityPublicKeys() : null);
        Assert.Equal((Int(round["threshold"]), Int(round["degree"])), (parameters.Threshold, parameters.Degree));

        foreach ((string _, JsonNode? message) in messages["advertise_keys"]!.AsObject())
        {
            server.AcceptAdvertiseKeys(Message<AdvertisedKeys>(message));
        }

        AssertSame(messages["key_directories"], ByClient(server.CloseAdvertiseKeys()));
        foreach ((string _, JsonNode? message) in messages["share_keys"]!.AsObject())
        {
            server.AcceptShareKeys(Message<ShareKeys>(message));
        }

        AssertSame(messages["share_deliveries"], ByClient(server.CloseShareKeys()));
        foreach ((string _, JsonNode? message) in messages["masked_inputs"]!.AsObject())
        {
            server.AcceptMaskedInput(Message<MaskedInput>(message));
        }

        AssertSame(messages["survivor_list"], Message(server.CloseMaskedInput()));
        if (mode == SecAggMode.Active)
        {
            foreach ((string _, JsonNode? message) in messages["consistency_signatures"]!.AsObject())
            {
                server.AcceptConsistencySignature(Message<ConsistencySignature>(message));
            }

            AssertSame(messages["consistency_proof"], Message(server.CloseConsistencyCheck()));
        }
        foreach ((string _, JsonNode? message) in messages["unmask_shares"]!.AsObject())
        {
            server.AcceptUnmask(Message<UnmaskShares>(message));
        }

        AssertSame(messages["result"], Message(server.CloseUnmask()));
    }

    [Theory]
    [MemberData(nameof(Rounds))]
    public void Round_ClientReplay_ReproducesEveryClientMessageFromTheRecordedRandomness(string roundName)
    {
        JsonObject round = File.Value[roundName]!.AsObject();
        JsonObject messages = round["messages"]!.AsObject();
        bool active = Text(round["mode"]) == "active";
        SecAggParameters parameters = RoundVector.Parameters(active ? SecAggMode.Active : SecAggMode.SemiHonest);
        Dictionary<int, ReadOnlyMemory<byte>> identityPublicKeys = RoundVector.IdentityPublicKeys();
        int dropped = Int(round["dropped_after_share_keys"]);
        foreach ((string key, JsonNode? client) in round["clients"]!.AsObject())
        {
            int u = int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
            var random = new ByteStreamRandom(Bytes(client!["random_bytes"]));
            using SigningKey identity = SigningKey.Import(Bytes(client["identity_private_key"]));
            using var session = new ClientSession(parameters, u, active ? identity : null, active ? identityPublicKeys : null, random);

            AssertSame(messages["advertise_keys"]![key], Message(session.AdvertiseKeys()));
            AssertSame(messages["share_keys"]![key], Message(session.ShareKeys(Message<KeyDirectory>(messages["key_directories"]![key]))));
            if (u == dropped)
            {
                Assert.Equal(Bytes(client["random_bytes"]).Length, random.Consumed);
                continue;
            }

            AssertSame(messages["masked_inputs"]![key], Message(session.MaskInput(Message<ShareDelivery>(messages["share_deliveries"]![key]), Words(client["input"]))));
            if (active)
            {
                AssertSame(messages["consistency_signatures"]![key], Message(session.ConsistencyCheck(Message<SurvivorList>(messages["survivor_list"]))));
                AssertSame(messages["unmask_shares"]![key], Message(session.Unmask(Message<ConsistencyProof>(messages["consistency_proof"]))));
            }
            else
            {
                AssertSame(messages["unmask_shares"]![key], Message(session.Unmask(Message<SurvivorList>(messages["survivor_list"]))));
            }

            // A survivor also draws at unmasking: the proof nonce of its pair point with the dropped bank.
            Assert.Equal(Bytes(client["random_bytes"]).Length, random.Consumed);
        }
    }

    private static JsonObject ByClient<T>(IReadOnlyDictionary<int, T> messages) =>
        new([.. messages.OrderBy(m => m.Key).Select(m => new KeyValuePair<string, JsonNode?>(RoundVector.Key(m.Key), Message(m.Value)))]);

    private static void AssertSame(JsonNode? expected, JsonNode actual)
    {
        string? difference = VectorFile.FirstDifference(expected, actual, "$");
        Assert.True(difference is null, difference);
    }

    private static byte[] LittleEndian(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static void Add(uint[] target, uint[] addend, int sign)
    {
        for (int j = 0; j < target.Length; j++)
        {
            target[j] = unchecked(sign > 0 ? target[j] + addend[j] : target[j] - addend[j]);
        }
    }
}
