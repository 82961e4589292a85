using System.Security.Cryptography;
using PrivateFl.Crypto.Internal;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Claims;

/// <summary>
/// Runs a <see cref="CoalitionScenario"/> on the real client and server state machines and records the coalition's
/// view: every message the server receives or sends (advertisements, every share ciphertext with its commitments and
/// signature, masked inputs, complaints with their disclosed points, survivor lists, signatures, revealed shares, pair
/// points, the expulsion request, the result or abort) plus each corrupted bank's input and round secrets (c_w^SK,
/// s_w^SK, b_w). Every bank draws its randomness from a seeded source and its identity key from a seed, so two runs
/// that differ only in the inputs differ only where the inputs reach.
/// </summary>
internal sealed class CoalitionRound : IDisposable
{
    private readonly SigningKey[] _identityKeys;
    private readonly ClientSession[] _clients;
    private readonly AggregationRound _server;
    private readonly ClientSession? _secondSession;

    private CoalitionRound(CoalitionScenario scenario, SecAggParameters parameters)
    {
        Scenario = scenario;
        Parameters = parameters;
        Graph = NeighbourGraph.Create(parameters);
        int n = scenario.ClientCount;
        _identityKeys = [.. Enumerable.Range(1, n).Select(i => SigningKey.Import(new DeterministicRandom(~(scenario.Seed ^ (i * 104729))).NextBytes(SigningKey.KeySize)))];
        var identityPublicKeys = Enumerable.Range(1, n).ToDictionary(i => i, i => (ReadOnlyMemory<byte>)_identityKeys[i - 1].PublicKey.ToArray());
        bool active = scenario.Mode == SecAggMode.Active;
        _server = new AggregationRound(parameters, active ? identityPublicKeys : null);
        _clients = [.. Enumerable.Range(1, n).Select(i => new ClientSession(parameters, i, active ? _identityKeys[i - 1] : null, active ? identityPublicKeys : null, ClientRandom(scenario, i)))];
        if (scenario.SplitDealer is int w)
        {
            // Same round keys (the prefix), another b: the dealer's second polynomial.
            _secondSession = new ClientSession(parameters, w, active ? _identityKeys[w - 1] : null, active ? identityPublicKeys : null, SecondRandom(scenario, w));
        }
    }

    public CoalitionScenario Scenario { get; }

    public SecAggParameters Parameters { get; }

    public NeighbourGraph Graph { get; }

    /// <summary>The coalition's view, each entry named by stage and party; <see cref="CoalitionKnowledge"/> adds what it derives.</summary>
    public SortedDictionary<string, byte[]> View { get; } = new(StringComparer.Ordinal);

    public Dictionary<int, AdvertisedKeys> Advertised { get; } = [];

    public List<EncryptedShare> Ciphertexts { get; } = [];

    public List<(int Complainant, ShareComplaint Complaint)> Complaints { get; } = [];

    public List<UnmaskShares> Revealed { get; } = [];

    public List<(int Sender, RevealedPairPoint Point)> PairPoints { get; } = [];

    /// <summary>For each bank whose masked input the server accepted, the neighbours whose pairwise masks are in it (those whose shares it was delivered).</summary>
    public Dictionary<int, int[]> MaskedWith { get; } = [];

    public SortedSet<int> SentMaskedInput { get; } = [];

    /// <summary>c_w^SK, s_w^SK and b_w of each corrupted bank that advertised, replayed from its seeded randomness and checked against its advertisement.</summary>
    public Dictionary<int, (byte[] CipherKey, byte[] MaskKey, byte[] SelfMaskSeed)> CorruptedSecrets { get; } = [];

    public AggregationResult? Result { get; private set; }

    public RoundAbortedException? Abort { get; private set; }

    /// <summary>Honest banks whose input is in the released sum (in an aborted round, whose masked input the server holds).</summary>
    public int[] HonestInSum =>
        [.. (Result?.IncludedClients ?? (IEnumerable<int>)SentMaskedInput).Where(i => !Scenario.IsCorrupted(i)).Order()];

    public static SecAggParameters? TryParameters(CoalitionScenario scenario)
    {
        byte[] graphSeed = SHA256.HashData(BitConverter.GetBytes(scenario.Seed));
        var round = new RoundIdentity("coalition-claims", scenario.Seed & int.MaxValue, graphSeed);
        try
        {
            return scenario.Graph == NeighbourGraphKind.Complete
                ? SecAggParameters.Complete(scenario.ClientCount, CoalitionScenario.VectorLength, round, scenario.Mode, scenario.DropoutRate, scenario.CorruptedFraction)
                : SecAggParameters.SecAggPlus(scenario.ClientCount, CoalitionScenario.VectorLength, round, scenario.Mode, scenario.DropoutRate, scenario.CorruptedFraction, securityBits: 40, correctnessBits: 5);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public static CoalitionRound Run(CoalitionScenario scenario, SecAggParameters parameters)
    {
        var round = new CoalitionRound(scenario, parameters);
        round.RunStages();
        round.ReplayCorruptedSecrets();
        return round;
    }

    public void Dispose()
    {
        foreach (ClientSession client in _clients)
        {
            client.Dispose();
        }

        _secondSession?.Dispose();
        foreach (SigningKey key in _identityKeys)
        {
            key.Dispose();
        }
    }

    private static IRandomSource ClientRandom(CoalitionScenario scenario, int client)
    {
        var random = new DeterministicRandom(scenario.Seed ^ (client * 7919) ^ 0x2c1b3c6d);
        return client == scenario.SplitDealer ? new PrefixRandom(SplitDealerKeys(scenario, client), random) : random;
    }

    private static PrefixRandom SecondRandom(CoalitionScenario scenario, int client) =>
        new(SplitDealerKeys(scenario, client), new DeterministicRandom(~scenario.Seed ^ (client * 7919)));

    /// <summary>The 64 bytes a split dealer's two sessions draw first: c_w^SK and s_w^SK, so they advertise the same keys.</summary>
    private static byte[] SplitDealerKeys(CoalitionScenario scenario, int client) => new DeterministicRandom(scenario.Seed ^ (client * 7919) ^ 0x5717).NextBytes(2 * KeyAgreementKey.KeySize);

    private static byte[] Concat(params ReadOnlyMemory<byte>[] parts) => [.. parts.SelectMany(p => p.ToArray())];

    private static byte[] Text(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static string List(IEnumerable<int> items) => string.Join(',', items);

    private void RunStages()
    {
        CoalitionScenario s = Scenario;
        bool active = s.Mode == SecAggMode.Active;
        try
        {
            foreach (ClientSession client in _clients.Where(c => s.Sends(c.Index, 0)))
            {
                AdvertisedKeys keys = client.AdvertiseKeys();
                _server.AcceptAdvertiseKeys(keys);
                Advertised[client.Index] = keys;
                if (client.Index == s.SplitDealer)
                {
                    _ = _secondSession!.AdvertiseKeys();
                }

                View[$"0 advertise {client.Index}"] = Concat(keys.CipherPublicKey, keys.MaskPublicKey, keys.SelfMaskCommitment, keys.Signature);
            }

            IReadOnlyDictionary<int, KeyDirectory> directories = _server.CloseAdvertiseKeys();
            foreach ((int index, KeyDirectory directory) in directories)
            {
                if (!s.Sends(index, 1) || Step(index, c => c.ShareKeys(directory)) is not ShareKeys shares)
                {
                    continue;
                }

                if (index == s.GarbageDealer)
                {
                    shares = Garble(shares);
                }

                if (index == s.SplitDealer)
                {
                    ShareKeys other = _secondSession!.ShareKeys(directory);
                    shares = shares with
                    {
                        Shares = [.. shares.Shares.Where(e => s.FirstPolynomialHolders.Contains(e.Recipient)).Concat(other.Shares.Where(e => !s.FirstPolynomialHolders.Contains(e.Recipient))).OrderBy(e => e.Recipient)],
                    };
                }

                _server.AcceptShareKeys(shares);
                foreach (EncryptedShare share in shares.Shares)
                {
                    Ciphertexts.Add(share);
                    View[$"1 share {share.Sender}->{share.Recipient}"] = Concat(share.Ciphertext, share.Commitments, share.Signature);
                }
            }

            IReadOnlyDictionary<int, ShareDelivery> deliveries = _server.CloseShareKeys();
            foreach ((int index, ShareDelivery delivery) in deliveries)
            {
                if (!s.Sends(index, 2) || Step(index, c => c.MaskInput(delivery, s.Inputs[index - 1])) is not MaskedInput masked)
                {
                    continue;
                }

                _server.AcceptMaskedInput(masked);
                SentMaskedInput.Add(index);
                MaskedWith[index] = [.. delivery.Shares.Select(e => e.Sender).Order()];
                View[$"2 masked {index}"] = [.. masked.Vector.ToArray().SelectMany(BitConverter.GetBytes)];
                foreach (ShareComplaint complaint in masked.Complaints ?? [])
                {
                    Complaints.Add((index, complaint));
                    View[$"2 complaint {index}->{complaint.Dealer}"] = Concat(complaint.SharedPoint, complaint.Proof);
                }
            }

            SurvivorList survivors = _server.CloseMaskedInput();
            View["2 survivors"] = Text(List(survivors.Survivors));
            IEnumerable<int> asked = survivors.Survivors;
            Func<ClientSession, UnmaskShares> unmask = c => c.Unmask(survivors);
            if (active)
            {
                foreach (int index in survivors.Survivors.Where(i => s.Sends(i, 3)))
                {
                    if (Step(index, c => c.ConsistencyCheck(survivors)) is ConsistencySignature signature)
                    {
                        _server.AcceptConsistencySignature(signature);
                        View[$"3 signature {index}"] = signature.Signature.ToArray();
                    }
                }

                ConsistencyProof proof = _server.CloseConsistencyCheck();
                asked = [.. proof.Signatures.Select(e => e.Sender)];
                unmask = c => c.Unmask(proof);
            }

            foreach (int index in asked.Where(i => s.Sends(i, 4)))
            {
                if (Step(index, unmask) is not UnmaskShares shares)
                {
                    continue;
                }

                // A curious server keeps what it was sent, even what its state machine refuses.
                Revealed.Add(shares);
                try
                {
                    _server.AcceptUnmask(shares);
                }
                catch (SecAggProtocolException ex)
                {
                    View[$"4 refused {index}"] = Text(ex.Violation.ToString());
                }

                foreach (RevealedShare share in shares.Shares)
                {
                    View[$"4 reveal {index}: {share.Owner} {share.Kind}"] = Concat(share.Share, share.Salt);
                }

                RecordPairPoints(index, shares.PairPoints, 4);
            }

            Result = _server.CloseUnmask() ?? Expel();
            View["result"] = Concat(Text(List(Result.IncludedClients)), Result.Sum.ToArray().SelectMany(BitConverter.GetBytes).ToArray());
        }
        catch (RoundAbortedException abort)
        {
            Abort = abort;
            View["abort"] = Text($"{abort.Stage}: {abort.Message}");
        }
    }

    private AggregationResult Expel()
    {
        ExpulsionRequest request = _server.Expulsion ?? throw new InvalidOperationException("The round is not at Expel.");
        View["5 request"] = Text($"{List(request.Culprits.Select(c => c.Culprit))} / {List(request.Dropped ?? [])}");
        foreach (int index in _server.AliveClients.Where(i => Scenario.Sends(i, 5)).ToList())
        {
            if (Step(index, c => c.Expel(request)) is ExpulsionPairPoints answer)
            {
                _server.AcceptExpel(answer);
                RecordPairPoints(index, answer.PairPoints, 5);
            }
        }

        return _server.CloseExpel();
    }

    private void RecordPairPoints(int sender, IReadOnlyList<RevealedPairPoint>? points, int stage)
    {
        foreach (RevealedPairPoint point in points ?? [])
        {
            PairPoints.Add((sender, point));
            View[$"{stage} pair point {sender}~{point.Peer}"] = Concat(point.SharedPoint, point.Proof);
        }
    }

    /// <summary>A bank whose own state machine refuses the stage (too few neighbours left) drops out there.</summary>
    private T? Step<T>(int index, Func<ClientSession, T> step)
        where T : class
    {
        ClientSession client = _clients[index - 1];
        if (client.Stage == ClientStage.Aborted)
        {
            return null;
        }

        try
        {
            return step(client);
        }
        catch (SecAggProtocolException)
        {
            View[$"refused {index}"] = Text(client.Stage.ToString());
            return null;
        }
    }

    /// <summary>The garbage dealer replaces the ciphertext to each victim by random bytes, re-signed with its own identity key.</summary>
    private ShareKeys Garble(ShareKeys shares)
    {
        var random = new DeterministicRandom(Scenario.Seed ^ 0x6a7b);
        return shares with
        {
            Shares = [.. shares.Shares.Select(share =>
            {
                if (Array.IndexOf(Scenario.GarbageVictims, share.Recipient) < 0)
                {
                    return share;
                }

                byte[] ciphertext = random.NextBytes(share.Ciphertext.Length);
                byte[] signature = Scenario.Mode == SecAggMode.Active
                    ? _identityKeys[shares.Sender - 1].Sign(CommitmentEncoding.ShareSignaturePayload(Parameters.Round, shares.Sender, share.Recipient, share.Commitments.Span, ciphertext))
                    : [];
                return share with { Ciphertext = ciphertext, Signature = signature };
            })],
        };
    }

    /// <summary>
    /// A corrupted bank knows its own secrets: replays its seeded randomness in <see cref="ClientSession.AdvertiseKeys"/>'s
    /// order (c_w, s_w, b_w) and checks the result against what it advertised, so that a change of that order fails here
    /// instead of silently giving the coalition wrong keys.
    /// </summary>
    private void ReplayCorruptedSecrets()
    {
        foreach (int w in Scenario.Corrupted.Where(Advertised.ContainsKey))
        {
            IRandomSource random = ClientRandom(Scenario, w);
            using KeyAgreementKey cipherKey = KeyAgreementKey.Generate(random);
            using KeyAgreementKey maskKey = KeyAgreementKey.Generate(random);
            byte[] selfMaskSeed = new byte[MaskGenerator.SeedSize];
            random.Fill(selfMaskSeed);
            byte[] commitment = new byte[CommitmentEncoding.CommitmentSize];
            CommitmentEncoding.SelfMaskCommitment(Parameters.Round, w, selfMaskSeed, commitment);
            AdvertisedKeys advertised = Advertised[w];
            if (!cipherKey.PublicKey.SequenceEqual(advertised.CipherPublicKey.Span) || !maskKey.PublicKey.SequenceEqual(advertised.MaskPublicKey.Span)
                || !commitment.AsSpan().SequenceEqual(advertised.SelfMaskCommitment.Span))
            {
                throw new InvalidOperationException($"Corrupted bank {w}'s round secrets could not be replayed from its randomness.");
            }

            byte[] c = new byte[KeyAgreementKey.KeySize];
            byte[] sk = new byte[KeyAgreementKey.KeySize];
            cipherKey.ExportPrivateKey(c);
            maskKey.ExportPrivateKey(sk);
            CorruptedSecrets[w] = (c, sk, selfMaskSeed);
            View[$"own {w}"] = Concat(c, sk, selfMaskSeed, MemoryMarshalBytes(Scenario.Inputs[w - 1]));
            if (w == Scenario.SplitDealer)
            {
                // The second polynomial's seed, replayed the same way (after the shared 64-byte prefix).
                PrefixRandom second = SecondRandom(Scenario, w);
                second.Fill(new byte[2 * KeyAgreementKey.KeySize]);
                byte[] otherSeed = new byte[MaskGenerator.SeedSize];
                second.Fill(otherSeed);
                View[$"own {w} second seed"] = otherSeed;
            }

        }

        foreach (int w in Scenario.Corrupted.Where(w => !Advertised.ContainsKey(w)))
        {
            View[$"own {w}"] = MemoryMarshalBytes(Scenario.Inputs[w - 1]);
        }
    }

    private static byte[] MemoryMarshalBytes(uint[] words) => [.. words.SelectMany(BitConverter.GetBytes)];
}
