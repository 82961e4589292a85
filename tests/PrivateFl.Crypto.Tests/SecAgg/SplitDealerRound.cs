using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>
/// A round on the real state machines in which each cheater is two sessions that share their round keys but not b_u:
/// the holders it lists get session A's shares (of the b_u its advertised C_u commits to), the others session B's. Every
/// share is sealed, committed and (in active mode) signed by the cheater, so no recipient can complain. Keeps every
/// message, so that a test can build evidence as the server would.
/// </summary>
internal sealed class SplitDealerRound : IDisposable
{
    private readonly Dictionary<int, ClientSession> _secondSessions = [];

    public SplitDealerRound(RoundScenario scenario, SecAggParameters parameters, IReadOnlyDictionary<int, int[]> firstPolynomialHolders)
    {
        Harness = new RoundHarness(scenario, parameters);
        FirstPolynomialHolders = firstPolynomialHolders;
        bool active = scenario.Mode == SecAggMode.Active;
        foreach (int cheater in firstPolynomialHolders.Keys)
        {
            byte[] keys = new byte[64];
            new DeterministicRandom(scenario.Seed ^ (cheater * 7919)).Fill(keys);
            Harness.Clients[cheater - 1].Dispose();
            Harness.Clients[cheater - 1] = new ClientSession(parameters, cheater, active ? Harness.IdentityKey(cheater) : null, active ? Harness.IdentityPublicKeys : null, new PrefixRandom(keys, new DeterministicRandom(scenario.Seed + cheater)));
            _secondSessions[cheater] = new ClientSession(parameters, cheater, active ? Harness.IdentityKey(cheater) : null, active ? Harness.IdentityPublicKeys : null, new PrefixRandom(keys, new DeterministicRandom(~scenario.Seed - cheater)));
            _ = _secondSessions[cheater].AdvertiseKeys();
        }
    }

    public RoundHarness Harness { get; }

    public IReadOnlyDictionary<int, int[]> FirstPolynomialHolders { get; }

    /// <summary>The shares each dealer sent, as the server accepted them.</summary>
    public Dictionary<int, ShareKeys> Dealt { get; } = [];

    /// <summary>Every unmask message the server accepted.</summary>
    public List<UnmaskShares> Revealed { get; } = [];

    public SurvivorList? Survivors { get; private set; }

    /// <summary>Runs the round up to and including the unmask answers; returns who answered.</summary>
    public IReadOnlyList<int> RunToUnmask()
    {
        AggregationRound server = Harness.Server;
        IReadOnlyDictionary<int, KeyDirectory> directories = Harness.AdvertiseKeys();
        foreach ((int index, KeyDirectory directory) in directories)
        {
            ShareKeys shares = Harness.Client(index).ShareKeys(directory);
            if (_secondSessions.TryGetValue(index, out ClientSession? second))
            {
                int[] first = FirstPolynomialHolders[index];
                ShareKeys other = second.ShareKeys(directory);
                shares = new ShareKeys(index, [.. shares.Shares.Where(s => first.Contains(s.Recipient)).Concat(other.Shares.Where(s => !first.Contains(s.Recipient))).OrderBy(s => s.Recipient)]);
            }

            server.AcceptShareKeys(shares);
            Dealt[index] = shares;
        }

        IReadOnlyDictionary<int, ShareDelivery> deliveries = server.CloseShareKeys();
        foreach ((int index, ShareDelivery delivery) in deliveries)
        {
            server.AcceptMaskedInput(Harness.Client(index).MaskInput(delivery, Harness.Scenario.Inputs[index - 1]));
        }

        SurvivorList survivors = Survivors = server.CloseMaskedInput();
        IEnumerable<int> asked = survivors.Survivors;
        Func<int, UnmaskShares> unmask = c => Harness.Client(c).Unmask(survivors);
        if (Harness.Parameters.Mode == SecAggMode.Active)
        {
            ConsistencyProof proof = Harness.ConsistencyCheck(survivors);
            asked = proof.Signatures.Select(s => s.Sender);
            unmask = c => Harness.Client(c).Unmask(proof);
        }

        foreach (int index in asked)
        {
            UnmaskShares message = unmask(index);
            server.AcceptUnmask(message);
            Revealed.Add(message);
        }

        return [.. asked];
    }

    /// <summary>Every revealed share of the dealer's b_u with what it dealt for it, as the server holds them.</summary>
    public CulpritEvidence EvidenceOf(int dealer)
    {
        bool active = Harness.Parameters.Mode == SecAggMode.Active;
        var shares = new List<DealtShareEvidence>();
        foreach (UnmaskShares message in Revealed.OrderBy(m => m.Sender))
        {
            foreach (RevealedShare share in message.Shares.Where(s => s.Owner == dealer && s.Kind == SecretKind.SelfMaskSeed))
            {
                EncryptedShare dealt = Dealt[dealer].Shares.Single(s => s.Recipient == message.Sender);
                shares.Add(new DealtShareEvidence(message.Sender, share.Share, share.Salt, dealt.Commitments, active ? dealt.Ciphertext : default, active ? dealt.Signature : default));
            }
        }

        return new CulpritEvidence(dealer, shares);
    }

    public void Dispose()
    {
        foreach (ClientSession session in _secondSessions.Values)
        {
            session.Dispose();
        }

        Harness.Dispose();
    }
}
