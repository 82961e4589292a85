extern alias sdk;

using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using PrivateFl.Crypto;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Services;
using PrivateFl.Server.Storage;
using SdkAnnouncement = sdk::PrivateFl.Protocol.V1.RoundAnnouncement;
using SdkCohortFloor = sdk::PrivateFl.ClientSdk.Transport.CohortFloor;
using SdkEncoder = sdk::PrivateFl.ClientSdk.Transport.UpdateEncoder;
using SdkValidator = sdk::PrivateFl.ClientSdk.Transport.AnnouncementValidator;

namespace PrivateFl.Server.Tests.Claims;

/// <summary>
/// specs/protocol.md §3 and specs/privacy.md §8, SECURITY.md "Cohorts" (docs/claims.md C1, C2, C5, C10, C13): each cohort is a
/// secure round of its own size, whose plan (t, m, σ_client) its banks re-derive and accept; the round's budget is
/// reserved before any bank of any cohort learns the survivors, and a refused reservation unmasks nothing; a round of
/// several cohorts is charged once, at the ε of one round, with τ bounded for the largest cohort.
/// </summary>
public sealed class CohortClaimsTests
{
    [Property(MaxTest = 15)]
    public Property WaitForRound_DpSessionSplitIntoCohorts_EachCohortAnnouncesThePlanOfItsOwnSizeAndItsBanksAcceptIt() =>
        Prop.ForAll(
            Arb.From(
                from cohorts in Gen.Choose(1, 4)
                from cohortSize in Gen.Choose(4, 8)
                from minimumSize in Gen.Choose(3, cohortSize)
                from minimumCohorts in Gen.Choose(1, cohorts)
                from n in Gen.Choose(Math.Max(((cohorts - 1) * cohortSize) + 1, cohorts * minimumSize), cohorts * cohortSize)
                from recordLevel in Gen.Elements(false, true)
                select (cohorts, cohortSize, minimumSize, minimumCohorts, n, recordLevel)),
            c =>
            {
                using var fixture = new CoordinatorFixture(clients: c.n);
                SessionDefinition definition = DpDefinition(fixture, "c-plan", c.n, c.recordLevel) with { Cohorts = new CohortSettingsData(c.cohortSize, c.minimumSize, c.minimumCohorts) };
                var session = new ClaimsSession(fixture, definition);
                string[] ids = [.. fixture.ClientIds];

                // Every bank waits; the round opens at once with all of them (n is the session's most clients).
                RoundTicket[] tickets = Task.WhenAll(session.Wait(ids)).GetAwaiter().GetResult();

                var problems = new List<string>();
                IGrouping<int, RoundTicket>[] byCohort = [.. tickets.GroupBy(t => t.Cohort).OrderBy(g => g.Key)];
                if (byCohort.Length != c.cohorts)
                {
                    problems.Add($"{byCohort.Length} cohorts, expected {c.cohorts}");
                }

                // Disjoint and covering: every bank is in exactly one cohort's participant list, the one of its own ticket.
                string[][] members = [.. byCohort.Select(g => g.First().Participants.Select(p => p.ClientId).ToArray())];
                if (!members.SelectMany(m => m).Order(StringComparer.Ordinal).SequenceEqual(ids.Order(StringComparer.Ordinal)))
                {
                    problems.Add("cohorts are not a partition of the banks");
                }

                if (byCohort.Select(g => Convert.ToHexString(g.First().GraphSeed)).Distinct().Count() != byCohort.Length)
                {
                    problems.Add("two cohorts share a graph seed");
                }

                double serverTau = PrivacyPlan.Discreteness(definition).Tau;
                for (int i = 0; i < tickets.Length; i++)
                {
                    RoundTicket ticket = tickets[i];
                    int size = ticket.Participants.Count;
                    if (!ticket.Participants.Any(p => p.ClientId == ids[i] && p.Index == ticket.Index))
                    {
                        problems.Add($"{ids[i]} is not in its own cohort's list");
                    }

                    // The bank's own check of the announcement, with the session's minimum cohort size pinned.
                    SdkAnnouncement wire = SdkAnnouncement.Parser.ParseFrom(ProtoMapper.ToProto(ticket).ToByteArray());
                    byte[] key = ticket.Participants.Single(p => p.Index == ticket.Index).IdentityPublicKey;
                    (RoundPlan bank, _) = SdkValidator.ValidatePlan(wire, definition.SessionId, ids[i], key, definition.ModelLength, cohortFloor: new SdkCohortFloor(definition.MinimumCohortSize, 3));

                    // What the cohort's noise is sized for: its own n, t and m, never the round's.
                    int threshold = TrainingCoordinator.CreateParameters(definition, size, new RoundIdentity(definition.SessionId, ticket.RoundNumber, ticket.GraphSeed)).Threshold;
                    double sigma = PrivacyPlan.ClientSigma(definition, size, threshold);
                    int m = PrivacyPlan.MinimumSurvivors(definition, size, threshold);
                    if (ticket.Parameters.Threshold != threshold || ticket.ClientNoiseSigma != sigma || bank.ClientSigma != sigma || bank.MinimumSurvivors != m || size < c.minimumSize || size > c.cohortSize)
                    {
                        problems.Add($"{ids[i]} in cohort {ticket.Cohort} of {size}: t {ticket.Parameters.Threshold}/{threshold}, σ_client {ticket.ClientNoiseSigma}/{bank.ClientSigma}/{sigma}, m {bank.MinimumSurvivors}/{m}");
                    }

                    // The server accounts every round with τ for the largest cohort, which bounds the bank's own τ.
                    double bankTau = SdkEncoder.AccountingRound(wire).Discreteness.Tau;
                    if (!(bankTau <= serverTau))
                    {
                        problems.Add($"{ids[i]}: bank τ {bankTau:R} > server τ {serverTau:R}");
                    }
                }

                return (problems.Count == 0).Label($"{c}: {string.Join("; ", problems)}").Classify(c.cohorts > 1, "several cohorts");
            });

    /// <summary>protocol.md §3.1: a front end takes part in a round only once max(minimum_clients, K_min·M) of its banks wait.</summary>
    [Fact]
    public async Task WaitForRound_FewerBanksThanTheMinimumCohortsAtTheirMinimumSize_NoRoundUntilOneMoreWaits()
    {
        // K_min = 3 cohorts of at least M = 3: a round needs 9 banks, whatever the gather window.
        using var fixture = new CoordinatorFixture(clients: 12, cohorts: new CohortSettingsData(4, 3, 3));
        string[] ids = [.. fixture.ClientIds.Order(StringComparer.Ordinal)];
        Task<RoundTicket>[] first = [.. ids[..8].Select(id => fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, id, fixture.Definition.SchemaHash, CancellationToken.None))];
        await fixture.AdvanceUntilAsync(Task.WhenAny(first), fixture.Options.GatherWindow, maxSteps: 5);
        Assert.All(first, t => Assert.False(t.IsCompleted, "a round opened with 8 banks"));

        Task<RoundTicket> ninth = fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, ids[8], fixture.Definition.SchemaHash, CancellationToken.None);
        await fixture.AdvanceUntilAsync(Task.WhenAll(first.Append(ninth)), fixture.Options.GatherWindow, maxSteps: 5);
        RoundTicket[] tickets = await Task.WhenAll(first.Append(ninth));
        Assert.Equal([3, 3, 3], tickets.GroupBy(t => t.Cohort).Select(g => g.Count()));
    }

    [Fact]
    public async Task MaskedInput_ReservationPending_NoBankOfAnyCohortLearnsTheSurvivorsUntilItIsMade()
    {
        var gate = new ReservationGate(refuse: false);
        using var fixture = new CoordinatorFixture(clients: 6, cohorts: new CohortSettingsData(3, 3, 1), wrapStore: gate.Wrap);
        Task<RoundOutcome?>[] banks = [.. fixture.ClientIds.Select(id => Task.Run(() => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.01), stopBefore: RoundStage.Unmask)))];

        // Both cohorts close MaskedInput and ask for the one reservation; the store holds it back.
        await fixture.AdvanceUntilAsync(gate.Asked, TimeSpan.FromMilliseconds(1));
        Assert.True(gate.Asked.IsCompleted, "no cohort asked for the reservation");
        await Task.Delay(200);
        Assert.All(banks, b => Assert.False(b.IsCompleted, "a bank learnt the survivors before the budget was reserved"));

        gate.Release();
        RoundOutcome?[] done = await Task.WhenAll(banks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(done, Assert.Null);
        Assert.Equal(1, gate.Calls);
        Assert.Equal([1L], (await fixture.Store.ListBudgetReservationsAsync(CoordinatorFixture.SessionId, CancellationToken.None)).Select(r => r.RoundNumber));
    }

    [Fact]
    public async Task MaskedInput_ReservationRefused_EveryCohortAbortsBeforeUnmaskingAndNothingIsReleased()
    {
        var gate = new ReservationGate(refuse: true);
        gate.Release();
        using var fixture = new CoordinatorFixture(clients: 6, cohorts: new CohortSettingsData(3, 3, 1), wrapStore: gate.Wrap);
        Task<RoundOutcome?>[] banks = [.. fixture.ClientIds.Select(id => Task.Run(() => fixture.RunClientAsync(id, CoordinatorFixture.Delta(8, 0.01), stopBefore: RoundStage.Unmask)))];
        await fixture.AdvanceUntilAsync(Task.WhenAll(banks.Select(b => b.ContinueWith(_ => { }, TaskScheduler.Default))), TimeSpan.FromSeconds(1));

        // SubmitMaskedInput is answered with the abort, never with a survivor list: no bank reveals a share.
        foreach (Task<RoundOutcome?> bank in banks)
        {
            CoordinatorException refused = await Assert.ThrowsAsync<CoordinatorException>(() => bank);
            Assert.Equal(ErrorReasons.RoundAborted, refused.Reason);
        }

        // A cohort's banks learn its abort at once; the round's end (its record) follows when every cohort is done.
        IReadOnlyList<RoundRecordData> rounds = [];
        for (int i = 0; i < 200 && rounds.Count == 0; i++)
        {
            await Task.Delay(50);
            rounds = await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None);
        }

        Assert.Equal(RoundOutcomeKind.Aborted, Assert.Single(rounds).Outcome);
        Assert.Equal(0, (await fixture.Store.FindLatestModelAsync(CoordinatorFixture.SessionId, CancellationToken.None))!.Version);
        Assert.Empty(await fixture.Store.ListLedgerAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        Assert.Empty(await fixture.Store.ListBudgetReservationsAsync(CoordinatorFixture.SessionId, CancellationToken.None));
    }

    [Fact]
    public async Task Round_DpSessionInThreeCohorts_ChargedOnceAtTheEpsilonOfOneRound()
    {
        // 11 banks in cohorts of 4, 4 and 3; with δ = 0.1 a cohort of 4 has t = m = 3 and the cohort of 3 has t = m = 2.
        const int N = 11;
        using var fixture = new CoordinatorFixture(clients: N);
        SessionDefinition single = DpDefinition(fixture, "c-dp", N, recordLevel: false, dropout: 0.1);
        SessionDefinition definition = single with { Cohorts = new CohortSettingsData(4, 3, 3) };
        var session = new ClaimsSession(fixture, definition);

        (RoundTicket[] tickets, Dictionary<string, Task<RoundOutcome?>> clients) = await session.RunRoundAsync([.. fixture.ClientIds], (_, _) => CoordinatorFixture.Delta(8, 0.01));

        Assert.Equal(3, tickets.Select(t => t.Cohort).Distinct().Count());
        Assert.All(clients.Values, c => Assert.Equal(1L, c.Result!.ModelVersion));
        Assert.Equal([1], (await fixture.Store.ListBudgetReservationsAsync(session.SessionId, CancellationToken.None)).Select(r => r.Charge));
        LedgerEntryData entry = Assert.Single(await fixture.Store.ListLedgerAsync(session.SessionId, CancellationToken.None));

        // Parallel composition over disjoint banks: the ε of one round, as if the 12 banks had been one cohort; not K rounds.
        double oneRound = PrivacyPlan.EpsilonAfter(single, 1);
        Assert.Equal(oneRound, entry.EpsilonSpentTotal, 1e-12);
        Assert.True(entry.EpsilonSpentTotal < PrivacyPlan.EpsilonAfter(definition, 2));
        Assert.Equal(entry.EpsilonSpentTotal, (await fixture.Coordinator.SessionAsync(session.SessionId, CancellationToken.None)).EpsilonSpent);

        // The record's τ is the bound for the largest cohort (4 banks), at least every cohort's own.
        using var record = System.Text.Json.JsonDocument.Parse(entry.MechanismJson);
        double tau = record.RootElement.GetProperty("discretenessTau").GetDouble();
        Assert.Equal(Crypto.Privacy.DistributedNoise.DiscretenessTau(Crypto.Privacy.DistributedNoise.MinimumClientSigma, 4), tau);
        Assert.All(tickets, t => Assert.True(Crypto.Privacy.DistributedNoise.DiscretenessTau(t.ClientNoiseSigma, t.Participants.Count) <= tau));

        // The record states the weakest cohort: the smallest one's t, m and σ_client.
        Assert.Equal([3, 4, 4], tickets.GroupBy(t => t.Cohort).Select(g => g.Count()).Order());
        RoundTicket smallest = tickets.First(t => t.Participants.Count == 3);
        Assert.Equal(
            (smallest.Parameters.Threshold, PrivacyPlan.MinimumSurvivors(definition, 3, smallest.Parameters.Threshold), smallest.ClientNoiseSigma),
            (record.RootElement.GetProperty("threshold").GetInt32(), record.RootElement.GetProperty("minimumSurvivors").GetInt32(), record.RootElement.GetProperty("clientNoiseSigma").GetDouble()));
        Assert.NotEqual(smallest.ClientNoiseSigma, tickets.First(t => t.Participants.Count == 4).ClientNoiseSigma);
    }

    /// <summary>A client-level or record-level DP session over the fixture's banks whose every cohort size gives an accountable σ_client.</summary>
    private static SessionDefinition DpDefinition(CoordinatorFixture fixture, string sessionId, int clients, bool recordLevel, double dropout = 0.3) =>
        ClaimsSession.Define(
            fixture,
            sessionId,
            clients,
            new SecAggSettingsData(SecAggMode.SemiHonest, NeighbourGraphKind.Complete, dropout, 0, 40, 20),
            new PrivacySettingsData(recordLevel ? DpModeKind.RecordLevel : DpModeKind.ClientLevel, 100, 1e-5, 1.0),
            recordLevel ? fixture.Definition.Training with { Rule = AggregationRuleKind.GradientSum } : null);

    /// <summary>Holds the store's budget reservation until released, and refuses it (the budget spent elsewhere) if asked to.</summary>
    private sealed class ReservationGate(bool refuse)
    {
        private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public Task Asked => _asked.Task;

        public int Calls => _calls;

        public void Release() => _released.TrySetResult();

        public IFederationStore Wrap(IFederationStore inner)
        {
            IFederationStore proxy = DispatchProxy.Create<IFederationStore, GatedStore>();
            ((GatedStore)(object)proxy).Init(inner, this);
            return proxy;
        }

        internal async Task<BudgetReservation?> ReserveAsync(IFederationStore inner, object?[] args)
        {
            Interlocked.Increment(ref _calls);
            _asked.TrySetResult();
            await _released.Task.ConfigureAwait(false);
            return refuse ? null : await ((Task<BudgetReservation?>)typeof(IFederationStore).GetMethod(nameof(IFederationStore.ReserveBudgetAsync))!.Invoke(inner, args)!).ConfigureAwait(false);
        }
    }

    /// <summary>The store, with <see cref="IFederationStore.ReserveBudgetAsync"/> passing through a <see cref="ReservationGate"/>.</summary>
    public class GatedStore : DispatchProxy
    {
        private IFederationStore? _inner;
        private ReservationGate? _gate;

        internal void Init(IFederationStore inner, object gate)
        {
            _inner = inner;
            _gate = (ReservationGate)gate;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            return targetMethod.Name == nameof(IFederationStore.ReserveBudgetAsync)
                ? _gate!.ReserveAsync(_inner!, args!)
                : targetMethod.Invoke(_inner, args);
        }
    }
}
