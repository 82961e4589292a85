using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Coordination;

/// <summary>
/// Issue 13: a round of several cohorts (each its own secure round under one <see cref="RoundMaster"/>) releases what
/// one cohort of the same banks would, loses only the cohorts that fail, aborts below the minimum number of cohorts,
/// and charges the budget once the first cohort may unmask.
/// </summary>
public sealed class CohortRoundTests
{
    private const double Scale = 1 << 16;

    [Property(MaxTest = 300)]
    public Property Size_AnySessionAndWaitingBanks_CohortsWithinTheBoundsAndEveryTakenBankOnce() =>
        Prop.ForAll(
            Arb.From(
                from minimumSize in Gen.Choose(3, 20)
                from cohortSize in Gen.Choose(minimumSize, 60)
                from minimumCohorts in Gen.Choose(1, 4)
                from maximum in Gen.Choose(minimumCohorts * minimumSize, 400)
                from extra in Gen.Choose(0, 400)
                select (minimumSize, cohortSize, minimumCohorts, maximum, waiting: (minimumCohorts * minimumSize) + extra)),
            c =>
            {
                SessionDefinition definition = TestSessions.Definition(maximumClients: c.maximum) with { Cohorts = new CohortSettingsData(Math.Min(c.cohortSize, c.maximum), c.minimumSize, c.minimumCohorts) };
                string[] waiting = [.. Enumerable.Range(0, c.waiting).Select(i => $"bank-{i:D4}")];

                (int take, int cohorts) = CohortPlan.Size(definition, waiting.Length);
                string[][] split = CohortPlan.Split(waiting[..take], cohorts);

                int[] sizes = [.. split.Select(s => s.Length)];
                return take <= Math.Min(c.waiting, c.maximum)
                    && cohorts >= c.minimumCohorts
                    && sizes.All(n => n >= c.minimumSize && n <= definition.CohortSize)
                    && sizes.Max() - sizes.Min() <= 1
                    && split.SelectMany(s => s).SequenceEqual(waiting[..take])

                    // Nobody is left waiting when the banks fit the cohort size with every cohort at its minimum.
                    && (take == Math.Min(c.waiting, c.maximum) || Math.Min(c.waiting, c.maximum) / Math.Max((Math.Min(c.waiting, c.maximum) + definition.CohortSize - 1) / definition.CohortSize, c.minimumCohorts) < c.minimumSize);
            });

    [Property(MaxTest = 10)]
    public Property Round_RandomUpdatesInSeveralCohorts_ReleasesTheAverageOneCohortOfTheSameBanksReleases() =>
        Prop.ForAll(
            Arb.From(
                from cohorts in Gen.Choose(2, 4)
                from size in Gen.Choose(4, 6)
                from short_ in Gen.Choose(0, cohorts - 1)
                from seed in Gen.Choose(0, int.MaxValue)
                select (cohorts, size, n: (cohorts * size) - short_, seed)),
            c =>
            {
                // Each update's norm stays below the plan's clip norm C = 1 (|Δ_j| ≤ 0.25, d = 8), so none is clipped.
                var random = new Random(c.seed);
                double[][] deltas = [.. Enumerable.Range(0, c.n).Select(_ => Enumerable.Range(0, 8).Select(_ => Math.Round((random.NextDouble() - 0.5) * 0.5, 3)).ToArray())];
                double[] expected = [.. Enumerable.Range(0, 8).Select(j => deltas.Average(d => d[j]))];

                (ModelVersionRecord split, RoundRecordData record) = RunOneRoundAsync(c.n, new CohortSettingsData(c.size, 3, 1), deltas).GetAwaiter().GetResult();
                (ModelVersionRecord single, _) = RunOneRoundAsync(c.n, null, deltas).GetAwaiter().GetResult();

                // Each input is rounded to 1/scale once, so the average of n is within 1/scale of the exact one.
                bool close = split.Weights.Zip(expected).All(p => Math.Abs(p.First - p.Second) <= 1 / Scale)
                    && split.Weights.Zip(single.Weights).All(p => Math.Abs(p.First - p.Second) <= 2 / Scale);
                int cohortsRun = record.Stages.Select(s => s.Stage.Split('/')[0]).Distinct().Count();
                return (close && split.Version == 1 && split.Contributors == c.n && record.Included.Count == c.n && cohortsRun == c.cohorts)
                    .Label($"n = {c.n}, {c.cohorts} cohorts of ≤ {c.size}: weights {string.Join(", ", split.Weights)} vs single {string.Join(", ", single.Weights)}; stages {string.Join(", ", record.Stages.Select(s => s.Stage))}");
            });

    [Fact]
    public async Task Round_OneCohortLosesTwoOfThreeBanks_TheOtherCohortsRelease()
    {
        using var fixture = new CoordinatorFixture(clients: 9, cohorts: new CohortSettingsData(3, 3, 1));
        double[][] deltas = Deltas(9);

        // Cohort 1 is bank-04 … bank-06; two of them vanish before MaskedInput, so it cannot reach its threshold.
        Task<RoundOutcome?>[] banks = Run(fixture, deltas, stopBeforeMaskedInput: ["bank-05", "bank-06"]);
        Task all = Task.WhenAll(banks.Select(b => (Task)b).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        await fixture.AdvanceUntilAsync(all, TimeSpan.FromSeconds(5));

        CoordinatorException lost = await Assert.ThrowsAsync<CoordinatorException>(() => banks[3]);
        Assert.Equal(ErrorReasons.RoundAborted, lost.Reason);
        Assert.All(new[] { 0, 1, 2, 6, 7, 8 }, i => Assert.Equal(1, banks[i].Result!.ModelVersion));
        ModelVersionRecord model = (await fixture.Store.FindLatestModelAsync(CoordinatorFixture.SessionId, CancellationToken.None))!;
        double[] expected = [.. Enumerable.Range(0, 8).Select(j => new[] { 0, 1, 2, 6, 7, 8 }.Average(i => deltas[i][j]))];
        Assert.All(model.Weights.Zip(expected), p => Assert.Equal(p.Second, p.First, 4));
        RoundRecordData record = Assert.Single(await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        Assert.Equal((RoundOutcomeKind.Completed, 6, 3), (record.Outcome, record.Included.Count, record.Dropped.Count));
        Assert.Equal(["bank-04", "bank-05", "bank-06"], record.Dropped);
    }

    [Fact]
    public async Task Round_FewerCohortsReleaseThanTheMinimum_AbortsTheModelStaysAndTheRoundStaysCharged()
    {
        using var fixture = new CoordinatorFixture(clients: 9, cohorts: new CohortSettingsData(3, 3, 3));
        Task<RoundOutcome?>[] banks = Run(fixture, Deltas(9), stopBeforeMaskedInput: ["bank-05", "bank-06"]);
        Task all = Task.WhenAll(banks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        await fixture.AdvanceUntilAsync(all, TimeSpan.FromSeconds(5));

        foreach (int i in new[] { 0, 1, 2, 3, 6, 7, 8 })
        {
            CoordinatorException refused = await Assert.ThrowsAsync<CoordinatorException>(() => banks[i]);
            Assert.Equal(ErrorReasons.RoundAborted, refused.Reason);
        }

        Assert.Equal(0, (await fixture.Store.FindLatestModelAsync(CoordinatorFixture.SessionId, CancellationToken.None))!.Version);
        RoundRecordData record = Assert.Single(await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        Assert.Equal(RoundOutcomeKind.Aborted, record.Outcome);
        Assert.Contains("2 of its 3 cohorts released a sum and it needs 3", record.AbortReason, StringComparison.Ordinal);

        // Two cohorts reached Unmask, so the server could have learnt their sums: the round was charged, once.
        Assert.Equal([1L], (await fixture.Store.ListBudgetReservationsAsync(CoordinatorFixture.SessionId, CancellationToken.None)).Select(r => r.RoundNumber));
        SessionRuntime session = await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None);
        Assert.Equal((1, 0), (session.ChargedRounds, session.CompletedRounds));
    }

    [Fact]
    public async Task Round_AbortedBeforeAnyCohortUnmasks_ChargesNothing()
    {
        using var fixture = new CoordinatorFixture(clients: 6, cohorts: new CohortSettingsData(3, 3, 2));
        Task<RoundOutcome?>[] banks = Run(fixture, Deltas(6), stopBeforeMaskedInput: ["bank-02", "bank-03", "bank-05", "bank-06"]);
        await fixture.AdvanceUntilAsync(Task.WhenAll(banks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))), TimeSpan.FromSeconds(5));

        // A bank learns its cohort aborted as soon as it does; the round's record follows when the last cohort ends.
        await fixture.AdvanceUntilAsync(RoundRecordedAsync(fixture), TimeSpan.FromSeconds(5));
        Assert.Equal(RoundOutcomeKind.Aborted, Assert.Single(await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None)).Outcome);
        Assert.Empty(await fixture.Store.ListBudgetReservationsAsync(CoordinatorFixture.SessionId, CancellationToken.None));
    }

    [Fact]
    public async Task WaitForRound_EveryBank_AnnouncedItsOwnCohortWithTheSessionsCohortSettings()
    {
        using var fixture = new CoordinatorFixture(clients: 10, cohorts: new CohortSettingsData(4, 3, 1));
        RoundTicket[] tickets = await Task.WhenAll(fixture.ClientIds.Select(id => fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, id, fixture.Definition.SchemaHash, CancellationToken.None)));

        // ⌈10 / 4⌉ = 3 cohorts of 4, 3 and 3 banks, each with indices 1 … n of its own and a graph seed of its own.
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 2, 2, 2], tickets.Select(t => t.Cohort));
        Assert.Equal([4, 4, 4, 4, 3, 3, 3, 3, 3, 3], tickets.Select(t => t.Participants.Count));
        Assert.All(tickets.GroupBy(t => t.Cohort), g => Assert.Equal(Enumerable.Range(1, g.Count()), g.Select(t => t.Index).Order()));
        Assert.Equal(3, tickets.Select(t => Convert.ToHexString(t.GraphSeed)).Distinct().Count());
        Assert.All(tickets, t => Assert.Equal(1L, t.RoundNumber));
        Protocol.V1.RoundAnnouncement wire = Services.ProtoMapper.ToProto(tickets[9]);
        Assert.Equal((2u, 4u, 3u, 1u), (wire.Cohort, wire.Cohorts.CohortSize, wire.Cohorts.MinimumCohortSize, wire.Cohorts.MinimumCohorts));
    }

    private static async Task<(ModelVersionRecord Model, RoundRecordData Record)> RunOneRoundAsync(int n, CohortSettingsData? cohorts, double[][] deltas)
    {
        using var fixture = new CoordinatorFixture(clients: n, cohorts: cohorts);
        await Task.WhenAll(Run(fixture, deltas, []));
        return ((await fixture.Store.FindLatestModelAsync(CoordinatorFixture.SessionId, CancellationToken.None))!, Assert.Single(await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None)));
    }

    private static Task<RoundOutcome?>[] Run(CoordinatorFixture fixture, double[][] deltas, string[] stopBeforeMaskedInput) =>
        [.. fixture.ClientIds.Order(StringComparer.Ordinal).Select((id, i) => Task.Run(() => fixture.RunClientAsync(id, deltas[i], stopBeforeMaskedInput.Contains(id) ? RoundStage.MaskedInput : null)))];

    private static double[][] Deltas(int n) =>
        [.. Enumerable.Range(0, n).Select(i => Enumerable.Range(0, 8).Select(j => (((i * 8) + j) % 7 * 0.0625) - 0.1875).ToArray())];

    private static async Task RoundRecordedAsync(CoordinatorFixture fixture)
    {
        while ((await fixture.Store.ListRoundsAsync(CoordinatorFixture.SessionId, CancellationToken.None)).Count == 0)
        {
            await Task.Delay(5);
        }
    }
}
