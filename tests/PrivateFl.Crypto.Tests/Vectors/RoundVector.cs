using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using static PrivateFl.Crypto.Tests.Vectors.VectorJson;

namespace PrivateFl.Crypto.Tests.Vectors;

/// <summary>
/// The whole-round golden vectors: n = 4 banks, d = 6, complete graph, active or semi-honest mode, bank 4 drops out
/// after ShareKeys. Every bank's randomness is a fixed byte stream and its identity key a fixed seed, so the real
/// <see cref="ClientSession"/> and <see cref="AggregationRound"/> produce the same transcript on every run.
/// </summary>
internal static class RoundVector
{
    public const string SessionId = "vectors-session";
    public const long RoundNumber = 7;
    public const int ClientCount = 4;
    public const int VectorLength = 6;
    public const int Dropped = 4;

    public static readonly byte[] GraphSeed = SHA256.HashData("privatefl/vectors/graph-seed"u8);

    public static SecAggParameters Parameters(SecAggMode mode) =>
        SecAggParameters.Complete(ClientCount, VectorLength, new RoundIdentity(SessionId, RoundNumber, GraphSeed), mode, dropoutRate: 0.25, corruptedFraction: 0);

    public static byte[] IdentitySeed(int client) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes($"privatefl/vectors/identity/{client}"));

    /// <summary>x_u: small positive and negative (two's complement) quantized values.</summary>
    public static uint[] Input(int client) =>
        [.. Enumerable.Range(0, VectorLength).Select(j => unchecked((uint)((j % 2 == 0 ? 1 : -1) * ((client * 1000) + j))))];

    public static Dictionary<int, ReadOnlyMemory<byte>> IdentityPublicKeys()
    {
        var keys = new Dictionary<int, ReadOnlyMemory<byte>>();
        for (int u = 1; u <= ClientCount; u++)
        {
            using SigningKey key = SigningKey.Import(IdentitySeed(u));
            keys[u] = key.PublicKey.ToArray();
        }

        return keys;
    }

    /// <summary>Runs the round with fresh deterministic streams and records everything.</summary>
    public static JsonObject Generate(SecAggMode mode)
    {
        bool active = mode == SecAggMode.Active;
        SecAggParameters parameters = Parameters(mode);
        Dictionary<int, ReadOnlyMemory<byte>> identityPublicKeys = IdentityPublicKeys();
        SigningKey[] identityKeys = [.. Enumerable.Range(1, ClientCount).Select(u => SigningKey.Import(IdentitySeed(u)))];
        ByteStreamRandom[] randoms = [.. Enumerable.Range(1, ClientCount).Select(u => ByteStreamRandom.FromLabel($"privatefl/vectors/client-randomness/{u}"))];
        ClientSession[] clients = [.. Enumerable.Range(1, ClientCount).Select(u => new ClientSession(parameters, u, active ? identityKeys[u - 1] : null, active ? identityPublicKeys : null, randoms[u - 1]))];
        var server = new AggregationRound(parameters, active ? identityPublicKeys : null);
        var messages = new JsonObject();
        var randomAfterAdvertise = new int[ClientCount];
        var randomAfterShare = new int[ClientCount];
        try
        {
            var advertised = new JsonObject();
            foreach (ClientSession client in clients)
            {
                AdvertisedKeys message = client.AdvertiseKeys();
                randomAfterAdvertise[client.Index - 1] = randoms[client.Index - 1].Consumed;
                advertised[Key(client.Index)] = Message(message);
                server.AcceptAdvertiseKeys(message);
            }

            IReadOnlyDictionary<int, KeyDirectory> directories = server.CloseAdvertiseKeys();
            messages["advertise_keys"] = advertised;
            messages["key_directories"] = ByClient(directories);

            var shareKeys = new JsonObject();
            foreach ((int u, KeyDirectory directory) in directories)
            {
                ShareKeys message = clients[u - 1].ShareKeys(directory);
                randomAfterShare[u - 1] = randoms[u - 1].Consumed;
                shareKeys[Key(u)] = Message(message);
                server.AcceptShareKeys(message);
            }

            IReadOnlyDictionary<int, ShareDelivery> deliveries = server.CloseShareKeys();
            messages["share_keys"] = shareKeys;
            messages["share_deliveries"] = ByClient(deliveries);

            var masked = new JsonObject();
            foreach ((int u, ShareDelivery delivery) in deliveries.Where(d => d.Key != Dropped))
            {
                MaskedInput message = clients[u - 1].MaskInput(delivery, Input(u));
                masked[Key(u)] = Message(message);
                server.AcceptMaskedInput(message);
            }

            SurvivorList survivors = server.CloseMaskedInput();
            messages["masked_inputs"] = masked;
            messages["survivor_list"] = Message(survivors);

            var unmask = new JsonObject();
            if (active)
            {
                var signatures = new JsonObject();
                foreach (int u in survivors.Survivors)
                {
                    ConsistencySignature message = clients[u - 1].ConsistencyCheck(survivors);
                    signatures[Key(u)] = Message(message);
                    server.AcceptConsistencySignature(message);
                }

                ConsistencyProof proof = server.CloseConsistencyCheck();
                messages["consistency_signatures"] = signatures;
                messages["consistency_proof"] = Message(proof);
                foreach (int u in survivors.Survivors)
                {
                    UnmaskShares message = clients[u - 1].Unmask(proof);
                    unmask[Key(u)] = Message(message);
                    server.AcceptUnmask(message);
                }
            }
            else
            {
                foreach (int u in survivors.Survivors)
                {
                    UnmaskShares message = clients[u - 1].Unmask(survivors);
                    unmask[Key(u)] = Message(message);
                    server.AcceptUnmask(message);
                }
            }

            AggregationResult result = server.CloseUnmask() ?? throw new InvalidOperationException("The vector round has no inconsistent dealer.");
            messages["unmask_shares"] = unmask;
            messages["result"] = Message(result);

            // The labelled secrets are found from the transcript, not from positions in the stream, so they stay right
            // when the session's draw order changes: c_u is the drawn key whose public key was advertised; b_u and
            // s_u^SK are reconstructed from the shares u sent.
            var clientsNode = new JsonObject();
            for (int u = 1; u <= ClientCount; u++)
            {
                byte[] stream = randoms[u - 1].ConsumedBytes;
                AdvertisedKeys advertisedKeys = Message<AdvertisedKeys>(messages["advertise_keys"]![Key(u)]);
                byte[] cipherPrivateKey = FindPrivateKey(stream, randoms[u - 1].Draws, advertisedKeys.CipherPublicKey.Span);
                (byte[] selfMaskSeed, byte[] maskPrivateKey) = ReconstructSecrets(parameters, u, cipherPrivateKey, messages);
                clientsNode[Key(u)] = new JsonObject
                {
                    ["identity_private_key"] = Hex(IdentitySeed(u)),
                    ["identity_public_key"] = Hex(identityPublicKeys[u].Span),
                    ["input"] = Words(Input(u)),
                    ["random_bytes"] = Hex(stream),
                    ["random_bytes_used_by_advertise_keys"] = randomAfterAdvertise[u - 1],
                    ["random_bytes_used_by_share_keys"] = randomAfterShare[u - 1] - randomAfterAdvertise[u - 1],
                    ["cipher_private_key"] = Hex(cipherPrivateKey),
                    ["mask_private_key"] = Hex(maskPrivateKey),
                    ["self_mask_seed"] = Hex(selfMaskSeed),
                };
            }

            var node = new JsonObject
            {
                ["description"] = $"One {(active ? "active" : "semi-honest")}-mode round, complete graph, n = 4, d = 6; bank 4 sends AdvertiseKeys and ShareKeys, then drops out. Messages are keyed by the index of the bank that sends (client→server) or receives (server→client) them.",
                ["session_id"] = SessionId,
                ["round_number"] = RoundNumber,
                ["graph_seed"] = Hex(GraphSeed),
                ["context"] = Hex(parameters.Round.Context),
                ["mode"] = active ? "active" : "semi_honest",
                ["graph"] = "complete",
                ["participant_count"] = ClientCount,
                ["vector_length"] = VectorLength,
                ["dropout_rate"] = parameters.DropoutRate,
                ["corrupted_fraction"] = parameters.CorruptedFraction,
                ["threshold"] = parameters.Threshold,
                ["degree"] = parameters.Degree,
                ["dropped_after_share_keys"] = Dropped,
                ["clients"] = clientsNode,
                ["pairs"] = Pairs(parameters, clientsNode),
                ["shares"] = Shares(parameters, clientsNode, messages),
                ["signed_strings"] = active ? SignedStrings(parameters, messages) : null,
                ["messages"] = messages,
                ["expected_sum"] = Words(PlainSum(survivors.Survivors)),
            };
            if (!active)
            {
                // Semi-honest rounds sign nothing.
                node.Remove("signed_strings");
            }

            return node;
        }
        finally
        {
            foreach (ClientSession client in clients)
            {
                client.Dispose();
            }

            foreach (SigningKey key in identityKeys)
            {
                key.Dispose();
            }
        }
    }

    private static byte[] FindPrivateKey(byte[] stream, List<(int Offset, int Length)> draws, ReadOnlySpan<byte> publicKey)
    {
        foreach ((int offset, int length) in draws.Where(d => d.Length == KeyAgreementKey.KeySize))
        {
            using KeyAgreementKey candidate = KeyAgreementKey.Import(stream.AsSpan(offset, length));
            if (candidate.PublicKey.SequenceEqual(publicKey))
            {
                return stream[offset..(offset + length)];
            }
        }

        throw new InvalidOperationException("No 32-byte draw of the bank's randomness is the private key of its advertised cipher key.");
    }

    private static (byte[] SelfMaskSeed, byte[] MaskPrivateKey) ReconstructSecrets(SecAggParameters parameters, int sender, byte[] cipherPrivateKey, JsonObject messages)
    {
        using KeyAgreementKey cipherKey = KeyAgreementKey.Import(cipherPrivateKey);
        var selfMaskShares = new List<ShamirShare>();
        var maskKeyShares = new List<ShamirShare>();
        foreach (EncryptedShare share in Message<ShareKeys>(messages["share_keys"]![Key(sender)]).Shares)
        {
            AdvertisedKeys recipient = Message<AdvertisedKeys>(messages["advertise_keys"]![Key(share.Recipient)]);
            byte[] key = new byte[Aead.KeySize];
            PairwiseKeys.DeriveShareKey(cipherKey, sender, cipherKey.PublicKey, share.Recipient, recipient.CipherPublicKey.Span, parameters.Round, key);
            byte[] plaintext = Aead.Decrypt(key, share.Ciphertext.Span, ProtocolEncoding.ShareAssociatedData(parameters.Round, sender, share.Recipient));
            selfMaskShares.Add(ShamirShare.Decode(plaintext.AsSpan(ProtocolEncoding.SelfMaskShareOffset, ShamirShare.EncodedSize)));
            maskKeyShares.Add(ShamirShare.Decode(plaintext.AsSpan(ProtocolEncoding.MaskKeyShareOffset, ShamirShare.EncodedSize)));
        }

        byte[] selfMaskSeed = new byte[Shamir.SecretSize];
        byte[] maskPrivateKey = new byte[Shamir.SecretSize];
        Shamir.Reconstruct(selfMaskShares, parameters.Threshold, selfMaskSeed);
        Shamir.Reconstruct(maskKeyShares, parameters.Threshold, maskPrivateKey);
        return (selfMaskSeed, maskPrivateKey);
    }

    public static uint[] PlainSum(IEnumerable<int> clients)
    {
        uint[] sum = new uint[VectorLength];
        foreach (int u in clients)
        {
            uint[] x = Input(u);
            for (int j = 0; j < sum.Length; j++)
            {
                sum[j] = unchecked(sum[j] + x[j]);
            }
        }

        return sum;
    }

    /// <summary>The HKDF info of a pairwise derivation: label-info(label, <see cref="PairwiseKeys.PairContext"/>).</summary>
    public static byte[] PairInfo(string label, SecAggParameters parameters, int u, ReadOnlySpan<byte> publicU, int v, ReadOnlySpan<byte> publicV) =>
        [.. System.Text.Encoding.ASCII.GetBytes(label), 0, .. PairwiseKeys.PairContext(parameters.Round, u, publicU, v, publicV)];

    private static JsonArray Pairs(SecAggParameters parameters, JsonObject clients)
    {
        var pairs = new JsonArray();
        for (int u = 1; u <= ClientCount; u++)
        {
            for (int v = u + 1; v <= ClientCount; v++)
            {
                pairs.Add(Pair(parameters, clients, u, v));
            }
        }

        return pairs;
    }

    private static JsonObject Pair(SecAggParameters parameters, JsonObject clients, int u, int v)
    {
        var node = new JsonObject { ["u"] = u, ["v"] = v };
        foreach ((string name, string privateField, string label) in new[] { ("share_key", "cipher_private_key", KdfLabels.ShareKey), ("mask_seed", "mask_private_key", KdfLabels.MaskSeed) })
        {
            using KeyAgreementKey keyU = KeyAgreementKey.Import(Bytes(clients[Key(u)]![privateField]));
            using KeyAgreementKey keyV = KeyAgreementKey.Import(Bytes(clients[Key(v)]![privateField]));
            byte[] shared = new byte[32];
            keyU.Agree(keyV.PublicKey, shared);
            byte[] derived = new byte[32];
            if (label == KdfLabels.ShareKey)
            {
                PairwiseKeys.DeriveShareKey(keyU, u, keyU.PublicKey, v, keyV.PublicKey, parameters.Round, derived);
            }
            else
            {
                PairwiseKeys.DeriveMaskSeed(keyU, u, keyU.PublicKey, v, keyV.PublicKey, parameters.Round, derived);
            }

            node[$"{name}_label"] = label;
            node[$"{name}_x25519_shared_secret"] = Hex(shared);
            node[$"{name}_info"] = Hex(PairInfo(label, parameters, u, keyU.PublicKey, v, keyV.PublicKey));
            node[name] = Hex(derived);
        }

        return node;
    }

    private static JsonArray Shares(SecAggParameters parameters, JsonObject clients, JsonObject messages)
    {
        var shares = new JsonArray();
        JsonArray pairs = Pairs(parameters, clients);
        foreach ((string _, JsonNode? message) in messages["share_keys"]!.AsObject())
        {
            foreach (EncryptedShare share in Message<ShareKeys>(message).Shares)
            {
                JsonNode pair = pairs.First(p => Int(p!["u"]) == Math.Min(share.Sender, share.Recipient) && Int(p!["v"]) == Math.Max(share.Sender, share.Recipient))!;
                byte[] key = Bytes(pair["share_key"]);
                byte[] associatedData = ProtocolEncoding.ShareAssociatedData(parameters.Round, share.Sender, share.Recipient);
                byte[] plaintext = Aead.Decrypt(key, share.Ciphertext.Span, associatedData);
                shares.Add(new JsonObject
                {
                    ["sender"] = share.Sender,
                    ["recipient"] = share.Recipient,
                    ["share_key"] = Hex(key),
                    ["nonce"] = Hex(share.Ciphertext.Span[..Aead.NonceSize]),
                    ["associated_data"] = Hex(associatedData),
                    ["plaintext"] = Hex(plaintext),
                    ["self_mask_seed_share"] = Hex(plaintext.AsSpan(ProtocolEncoding.SelfMaskShareOffset, ShamirShare.EncodedSize)),
                    ["self_mask_seed_salt"] = Hex(plaintext.AsSpan(ProtocolEncoding.SelfMaskShareOffset + ShamirShare.EncodedSize, CommitmentEncoding.SaltSize)),
                    ["mask_key_share"] = Hex(plaintext.AsSpan(ProtocolEncoding.MaskKeyShareOffset, ShamirShare.EncodedSize)),
                    ["mask_key_salt"] = Hex(plaintext.AsSpan(ProtocolEncoding.MaskKeyShareOffset + ShamirShare.EncodedSize, CommitmentEncoding.SaltSize)),
                    ["commitments"] = Hex(share.Commitments.Span),
                    ["signature_payload"] = Hex(CommitmentEncoding.ShareSignaturePayload(parameters.Round, share.Sender, share.Recipient, share.Commitments.Span, share.Ciphertext.Span)),
                    ["message"] = Hex(share.Ciphertext.Span),
                });
            }
        }

        return shares;
    }

    private static JsonObject SignedStrings(SecAggParameters parameters, JsonObject messages)
    {
        var advertise = new JsonArray();
        foreach ((string _, JsonNode? node) in messages["advertise_keys"]!.AsObject())
        {
            AdvertisedKeys message = Message<AdvertisedKeys>(node);
            advertise.Add(new JsonObject
            {
                ["sender"] = message.Sender,
                ["payload"] = Hex(ProtocolEncoding.AdvertisePayload(parameters.Round, message.Sender, message.CipherPublicKey.Span, message.MaskPublicKey.Span, message.SelfMaskCommitment.Span)),
                ["signature"] = Hex(message.Signature.Span),
            });
        }

        SurvivorList survivors = Message<SurvivorList>(messages["survivor_list"]);
        return new JsonObject
        {
            ["advertise"] = advertise,
            ["consistency"] = new JsonObject
            {
                ["survivors"] = Ints(survivors.Survivors),
                ["payload"] = Hex(ProtocolEncoding.ConsistencyPayload(parameters.Round, [.. survivors.Survivors])),
            },
        };
    }

    private static JsonObject ByClient<T>(IReadOnlyDictionary<int, T> messages)
    {
        var node = new JsonObject();
        foreach ((int u, T message) in messages.OrderBy(m => m.Key))
        {
            node[Key(u)] = Message(message);
        }

        return node;
    }

    public static string Key(int client) => client.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
