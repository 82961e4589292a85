using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Claims;

/// <summary>
/// specs/api.md, "Federation service", WaitForRound: "A bank that calls again while that round is still at
/// AdvertiseKeys gets the same announcement again" and, when the session has spent its privacy budget,
/// "FAILED_PRECONDITION, reason BUDGET_EXHAUSTED. Every waiting bank gets it" (docs/claims.md A11).
/// </summary>
public sealed class WaitForRoundClaimsTests
{
    [Fact]
    public async Task WaitForRound_CalledAgainWhileTheRoundIsAtAdvertiseKeys_SameAnnouncementThenANewWaitOnceItMovesOn()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        string[] ids = [.. fixture.ClientIds];
        Task<RoundTicket>[] waits = [.. ids.Select(Wait)];
        RoundTicket[] tickets = await Task.WhenAll(waits);

        RoundTicket[] again = await Task.WhenAll(ids.Select(Wait));

        for (int i = 0; i < ids.Length; i++)
        {
            Assert.Same(tickets[i], again[i]);
            Assert.Equal((tickets[i].RoundNumber, tickets[i].Index), (again[i].RoundNumber, again[i].Index));
        }

        // Three of the four banks advertise: still AdvertiseKeys, so the fourth still gets its announcement.
        var sessions = tickets[..3].Select(t => new ClientSession(t.Parameters, t.Index)).ToList();
        Task<Crypto.SecAgg.Messages.KeyDirectory>[] advertised = [.. sessions.Select((c, i) => fixture.Coordinator.AdvertiseKeysAsync(CoordinatorFixture.SessionId, tickets[i].RoundNumber, ids[i], c.AdvertiseKeys(), CancellationToken.None))];
        Assert.Equal(RoundStage.AdvertiseKeys, (await fixture.Coordinator.SessionAsync(CoordinatorFixture.SessionId, CancellationToken.None)).Round?.Cohorts[0].Round.Stage);
        Assert.Same(tickets[3], await Wait(ids[3]));

        // The stage closes: the round is past AdvertiseKeys, and a new call waits for the next round instead.
        fixture.Time.Advance(fixture.Options.StageDeadlineFor(4));
        await Task.WhenAll(advertised);
        Assert.NotEqual(RoundStage.AdvertiseKeys, (await fixture.Coordinator.SessionAsync(CoordinatorFixture.SessionId, CancellationToken.None)).Round?.Cohorts[0].Round.Stage);
        using var cancel = new CancellationTokenSource();
        Task<RoundTicket> later = fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, ids[3], fixture.Definition.SchemaHash, cancel.Token);
        Assert.False(later.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => later);
        sessions.ForEach(c => c.Dispose());

        Task<RoundTicket> Wait(string id) => fixture.Coordinator.WaitForRoundAsync(CoordinatorFixture.SessionId, id, fixture.Definition.SchemaHash, CancellationToken.None);
    }

    /// <summary>
    /// The budget fits one round. After it, three banks wait (the minimum; the session takes four) and the round the
    /// gather window opens would overspend: each of the three gets FAILED_PRECONDITION with reason BUDGET_EXHAUSTED, the
    /// stored session says so, and a bank that asks afterwards gets the same answer at once.
    /// </summary>
    [Fact]
    public async Task WaitForRound_BudgetSpent_EveryWaitingBankAndEveryLaterOneGetsBudgetExhausted()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionDefinition unbounded = ClaimsSession.Define(
            fixture,
            "a11-budget",
            4,
            new SecAggSettingsData(SecAggMode.SemiHonest, NeighbourGraphKind.Complete, 0.3, 0, 40, 20),
            new PrivacySettingsData(DpModeKind.ClientLevel, 1000, 1e-5, 1.0));
        SessionDefinition definition = unbounded with { Privacy = unbounded.Privacy with { EpsilonBudget = PrivacyPlan.EpsilonAfter(unbounded, 1) } };
        var session = new ClaimsSession(fixture, definition);
        string[] ids = [.. fixture.ClientIds];
        (_, Dictionary<string, Task<RoundOutcome?>> first) = await session.RunRoundAsync(ids, (_, _) => CoordinatorFixture.Delta(8, 0.01));
        Assert.All(first.Values, c => Assert.Equal(1, c.Result!.ModelVersion));

        Task<RoundTicket>[] waiting = session.Wait(ids[..3]);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        fixture.Time.Advance(fixture.Options.GatherWindow);

        foreach (Task<RoundTicket> wait in waiting)
        {
            CoordinatorException refused = await Assert.ThrowsAsync<CoordinatorException>(() => wait);
            Assert.Equal((CoordinatorErrorKind.FailedPrecondition, ErrorReasons.BudgetExhausted), (refused.Kind, refused.Reason));
        }

        Assert.Equal(SessionState.BudgetExhausted, (await fixture.Store.FindSessionAsync(session.SessionId, CancellationToken.None))!.State);
        CoordinatorException late = await Assert.ThrowsAsync<CoordinatorException>(() => session.Wait([ids[3]])[0]);
        Assert.Equal((CoordinatorErrorKind.FailedPrecondition, ErrorReasons.BudgetExhausted), (late.Kind, late.Reason));
        Assert.Single((await fixture.Store.ListLedgerAsync(session.SessionId, CancellationToken.None)));
    }
}
