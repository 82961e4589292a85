using System.Security.Cryptography;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>Runs the real client and server state machines of one round in memory, dropping clients as a scenario says.</summary>
internal sealed class RoundHarness : IDisposable
{
    private readonly SigningKey[] _identityKeys;

    public RoundHarness(RoundScenario scenario, SecAggParameters? parameters = null)
    {
        Scenario = scenario;
        Parameters = parameters ?? CreateParameters(scenario.ClientCount, scenario.VectorLength, scenario.Graph, scenario.Mode, scenario.Seed);
        _identityKeys = [.. Enumerable.Range(0, scenario.ClientCount).Select(_ => SigningKey.Generate())];
        IdentityPublicKeys = Enumerable.Range(1, scenario.ClientCount).ToDictionary(i => i, i => (ReadOnlyMemory<byte>)_identityKeys[i - 1].PublicKey.ToArray());
        bool active = scenario.Mode == SecAggMode.Active;
        Server = new AggregationRound(Parameters, active ? IdentityPublicKeys : null);
        Clients = [.. Enumerable.Range(1, scenario.ClientCount).Select(i => new ClientSession(Parameters, i, active ? _identityKeys[i - 1] : null, active ? IdentityPublicKeys : null))];
    }

    public RoundScenario Scenario { get; }

    public SecAggParameters Parameters { get; }

    public IReadOnlyDictionary<int, ReadOnlyMemory<byte>> IdentityPublicKeys { get; }

    public AggregationRound Server { get; }

    public ClientSession[] Clients { get; }

    /// <summary>Every answer to an expulsion request the server accepted.</summary>
    public List<ExpulsionPairPoints> ExpelAnswers { get; } = [];

    /// <summary>The clients whose masked input the server accepted.</summary>
    public SortedSet<int> SentMaskedInput { get; } = [];

    public static SecAggParameters CreateParameters(int n, int d, NeighbourGraphKind graph, SecAggMode mode, int seed)
    {
        byte[] graphSeed = SHA256.HashData(BitConverter.GetBytes(seed));
        var round = new RoundIdentity("test-session", seed & int.MaxValue, graphSeed);

        // Small rounds need relaxed statistical parameters to get a sparse graph at all; no corruption
        // is assumed so that a threshold exists at every n of the generator.
        return graph == NeighbourGraphKind.Complete
            ? SecAggParameters.Complete(n, d, round, mode, dropoutRate: 0.3, corruptedFraction: 0)
            : SecAggParameters.SecAggPlus(n, d, round, mode, dropoutRate: 0.1, corruptedFraction: 0, securityBits: 20, correctnessBits: 5);
    }

    public SigningKey IdentityKey(int client) => _identityKeys[client - 1];

    public ClientSession Client(int index) => Clients[index - 1];

    /// <summary>Runs the whole round; returns the result, or the abort.</summary>
    public (AggregationResult? Result, RoundAbortedException? Abort) Run()
    {
        try
        {
            IReadOnlyDictionary<int, KeyDirectory> directories = AdvertiseKeys();
            IReadOnlyDictionary<int, ShareDelivery> deliveries = ShareKeys(directories);
            SurvivorList survivors = MaskInputs(deliveries);
            if (Parameters.Mode == SecAggMode.Active)
            {
                ConsistencyProof proof = ConsistencyCheck(survivors);
                return (Unmask(c => Client(c).Unmask(proof), proof.Signatures.Select(s => s.Sender)), null);
            }

            return (Unmask(c => Client(c).Unmask(survivors), survivors.Survivors), null);
        }
        catch (RoundAbortedException abort)
        {
            return (null, abort);
        }
    }

    public IReadOnlyDictionary<int, KeyDirectory> AdvertiseKeys()
    {
        foreach (ClientSession client in Clients.Where(c => Scenario.Sends(c.Index, 0)))
        {
            Server.AcceptAdvertiseKeys(client.AdvertiseKeys());
        }

        return Server.CloseAdvertiseKeys();
    }

    public IReadOnlyDictionary<int, ShareDelivery> ShareKeys(IReadOnlyDictionary<int, KeyDirectory> directories)
    {
        foreach ((int index, KeyDirectory directory) in directories)
        {
            if (Scenario.Sends(index, 1))
            {
                Server.AcceptShareKeys(Client(index).ShareKeys(directory));
            }
        }

        return Server.CloseShareKeys();
    }

    public SurvivorList MaskInputs(IReadOnlyDictionary<int, ShareDelivery> deliveries)
    {
        foreach ((int index, ShareDelivery delivery) in deliveries)
        {
            if (Scenario.Sends(index, 2))
            {
                Server.AcceptMaskedInput(Client(index).MaskInput(delivery, Scenario.Inputs[index - 1]));
                SentMaskedInput.Add(index);
            }
        }

        return Server.CloseMaskedInput();
    }

    public ConsistencyProof ConsistencyCheck(SurvivorList survivors)
    {
        foreach (int index in survivors.Survivors.Where(i => Scenario.Sends(i, 3)))
        {
            Server.AcceptConsistencySignature(Client(index).ConsistencyCheck(survivors));
        }

        return Server.CloseConsistencyCheck();
    }

    public AggregationResult Unmask(Func<int, UnmaskShares> unmask, IEnumerable<int> asked)
    {
        foreach (int index in asked.Where(i => Scenario.Sends(i, 4)))
        {
            Server.AcceptUnmask(unmask(index));
        }

        return Server.CloseUnmask() ?? Expel();
    }

    /// <summary>Stage 5: every client the server awaits answers the expulsion request (specs/protocol.md §2.9).</summary>
    public AggregationResult Expel()
    {
        ExpulsionRequest request = Server.Expulsion ?? throw new InvalidOperationException("The round is not at Expel.");
        foreach (int index in Server.AliveClients.Where(i => Scenario.Sends(i, 5)).ToList())
        {
            ExpulsionPairPoints answer = Client(index).Expel(request);
            Server.AcceptExpel(answer);
            ExpelAnswers.Add(answer);
        }

        return Server.CloseExpel();
    }

    public void Dispose()
    {
        foreach (ClientSession client in Clients)
        {
            client.Dispose();
        }

        foreach (SigningKey key in _identityKeys)
        {
            key.Dispose();
        }
    }
}
