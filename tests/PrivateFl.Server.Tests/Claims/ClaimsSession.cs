using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Claims;

/// <summary>
/// A session of its own definition in a <see cref="CoordinatorFixture"/>'s store and coordinator, with semi-honest
/// in-process clients that join every round and can stop before a chosen stage (for claims about DP rounds, sparse
/// graphs and the server's model step, which the fixture's own fixed session does not cover).
/// </summary>
internal sealed class ClaimsSession
{
    private readonly CoordinatorFixture _fixture;

    public ClaimsSession(CoordinatorFixture fixture, SessionDefinition definition, double[]? initialWeights = null)
    {
        _fixture = fixture;
        Definition = definition;
        fixture.Store.CreateSession(definition, new ModelVersionRecord(definition.SessionId, 0, 0, initialWeights ?? new double[definition.ModelLength], 0, 0, 0, "{}", 0));
    }

    public SessionDefinition Definition { get; }

    public string SessionId => Definition.SessionId;

    /// <summary>A DP-capable definition based on the fixture's: the given SecAgg settings, privacy and training plan.</summary>
    public static SessionDefinition Define(CoordinatorFixture fixture, string sessionId, int clients, SecAggSettingsData secAgg, PrivacySettingsData privacy, TrainingPlanData? training = null, int totalRounds = 5) =>
        fixture.Definition with
        {
            SessionId = sessionId,
            TotalRounds = totalRounds,
            MaximumClients = clients,
            SecAgg = secAgg,
            Privacy = privacy,
            Training = training ?? fixture.Definition.Training,
        };

    /// <summary>Every given client waits; the round opens at once when the session's maximum is reached.</summary>
    public Task<RoundTicket>[] Wait(IEnumerable<string> clientIds) =>
        [.. clientIds.Select(id => _fixture.Coordinator.WaitForRoundAsync(SessionId, id, Definition.SchemaHash, CancellationToken.None))];

    /// <summary>Runs one client through the round of its ticket with the given delta; returns null if it stops before <paramref name="stopBefore"/>.</summary>
    public async Task<RoundOutcome?> RunAsync(string clientId, RoundTicket ticket, double[] delta, RoundStage? stopBefore = null)
    {
        using var session = new ClientSession(ticket.Parameters, ticket.Index);
        uint[] encoded = new uint[Definition.ModelLength];
        UpdateEncoding.Quantizer(Definition.Training, ticket.Participants.Count).Encode(delta, encoded);
        if (stopBefore == RoundStage.AdvertiseKeys)
        {
            return null;
        }

        KeyDirectory directory = await _fixture.Coordinator.AdvertiseKeysAsync(SessionId, ticket.RoundNumber, clientId, session.AdvertiseKeys(), CancellationToken.None);
        if (stopBefore == RoundStage.ShareKeys)
        {
            return null;
        }

        ShareDelivery delivery = await _fixture.Coordinator.ShareKeysAsync(SessionId, ticket.RoundNumber, clientId, session.ShareKeys(directory).Shares, CancellationToken.None);
        if (stopBefore == RoundStage.MaskedInput)
        {
            return null;
        }

        MaskedInput masked = session.MaskInput(delivery, encoded);
        SurvivorList survivors = await _fixture.Coordinator.SubmitMaskedInputAsync(SessionId, ticket.RoundNumber, clientId, masked.Vector.ToArray(), masked.Complaints ?? [], CancellationToken.None);
        if (stopBefore == RoundStage.Unmask)
        {
            return null;
        }

        UnmaskShares shares = session.Unmask(survivors);
        UnmaskReply reply = await _fixture.Coordinator.UnmaskAsync(SessionId, ticket.RoundNumber, clientId, shares.Shares, shares.PairPoints ?? [], CancellationToken.None);
        return reply.Outcome ?? await _fixture.Coordinator.ExpelAsync(SessionId, ticket.RoundNumber, clientId, session.Expel(reply.Expulsion!).PairPoints, CancellationToken.None);
    }

    /// <summary>
    /// Runs a whole round: every client of <paramref name="clientIds"/> joins, the ones <paramref name="dropped"/> picks
    /// (given the round's parameters and each client's index) stop before MaskedInput, and the fake clock runs until
    /// every client is done. Returns each client's outcome task by client id.
    /// </summary>
    public async Task<(RoundTicket[] Tickets, Dictionary<string, Task<RoundOutcome?>> Clients)> RunRoundAsync(
        string[] clientIds,
        Func<RoundTicket, int, double[]> delta,
        Func<SecAggParameters, ISet<int>>? dropped = null)
    {
        Task<RoundTicket>[] waits = Wait(clientIds);
        await _fixture.AdvanceUntilAsync(Task.WhenAll(waits), _fixture.Options.GatherWindow, maxSteps: 5);
        RoundTicket[] tickets = await Task.WhenAll(waits);
        ISet<int> drop = dropped?.Invoke(tickets[0].Parameters) ?? new HashSet<int>();
        var clients = new Dictionary<string, Task<RoundOutcome?>>();
        for (int i = 0; i < clientIds.Length; i++)
        {
            RoundTicket ticket = tickets[i];
            clients[clientIds[i]] = RunAsync(clientIds[i], ticket, delta(ticket, i), drop.Contains(ticket.Index) ? RoundStage.MaskedInput : null);
        }

        await _fixture.AdvanceUntilAsync(Task.WhenAll(clients.Values.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default))), TimeSpan.FromSeconds(5));
        return (tickets, clients);
    }
}
