using PrivateFl.Server.Coordination;
using PrivateFl.Server.Options;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests.Coordination;

/// <summary><see cref="RoundOpener"/>: the budget check, the enrolment check and the tickets of a new round.</summary>
public sealed class RoundOpenerTests
{
    [Fact]
    public async Task Open_EnoughEnrolledBanks_OneTicketPerParticipantWithTheRoundsParameters()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionRuntime session = (await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        (RoundLobby lobby, Task<RoundTicket>[] waits) = Waiting(fixture, session, fixture.ClientIds);

        IReadOnlyList<RoundSetup>? started = null;
        RoundSetup setup = Assert.Single((await fixture.Opener.OpenAsync(session, lobby, s => started = s))!);
        Assert.Same(setup, Assert.Single(started!));

        Assert.Equal((1L, 2L), (setup.Number, session.NextRoundNumber));
        Assert.Equal(["bank-01", "bank-02", "bank-03", "bank-04"], setup.ParticipantIds);
        Assert.Equal(fixture.Options.StageDeadlineFor(4), setup.StageDeadline);
        Assert.Equal(0, setup.MinimumSurvivors);
        Assert.Equal([1, 2, 3, 4], setup.Tickets.Keys.Order());
        foreach ((int index, RoundTicket ticket) in setup.Tickets)
        {
            Assert.Equal((index, 1L), (ticket.Index, ticket.RoundNumber));
            Assert.Same(setup.Round.Parameters, ticket.Parameters);
            Assert.Equal((await fixture.Store.FindClientAsync(setup.ParticipantIds[index - 1], CancellationToken.None))!.IdentityPublicKey, ticket.Participants[index - 1].IdentityPublicKey);
        }

        // The opener forms the round; handing the tickets out is the lobby's, when the coordinator admits them.
        Assert.All(waits, w => Assert.False(w.IsCompleted));
        Assert.Equal(4, lobby.Count);
    }

    [Fact]
    public async Task Open_ParticipantRevoked_RefusesEveryWaiterNamingTheClient()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        await fixture.Store.RevokeClientAsync("bank-02", CancellationToken.None);
        SessionRuntime session = (await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None));
        (RoundLobby lobby, Task<RoundTicket>[] waits) = Waiting(fixture, session, fixture.ClientIds);

        Assert.Null(await fixture.Opener.OpenAsync(session, lobby, _ => Assert.Fail("no round may start")));

        foreach (Task<RoundTicket> wait in waits)
        {
            var refused = await Assert.ThrowsAsync<CoordinatorException>(() => wait);
            Assert.Equal((CoordinatorErrorKind.FailedPrecondition, ErrorReasons.RoundNotFormed), (refused.Kind, refused.Reason));
            Assert.Contains("Client 'bank-02' is no longer enrolled", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, lobby.Count);
        Assert.Equal(SessionState.Active, session.State);
    }

    [Fact]
    public async Task Open_ReleaseWouldOverspendTheBudget_StopsTheSessionAndRefusesEveryWaiter()
    {
        using var fixture = new CoordinatorFixture(clients: 3);
        SessionDefinition dp = TestSessions.Definition(maximumClients: 3, dp: DpModeKind.RecordLevel);
        SessionDefinition definition = dp with { SessionId = "tight", Privacy = dp.Privacy with { EpsilonBudget = PrivacyPlan.EpsilonAfter(dp, 1) / 2 } };
        SessionRuntime session = (await fixture.Registry.CreateAsync(definition, new double[definition.ModelLength], CancellationToken.None))!;
        (RoundLobby lobby, Task<RoundTicket>[] waits) = Waiting(fixture, session, fixture.ClientIds);

        Assert.Null(await fixture.Opener.OpenAsync(session, lobby, _ => Assert.Fail("no round may start")));

        foreach (Task<RoundTicket> wait in waits)
        {
            Assert.Equal(ErrorReasons.BudgetExhausted, (await Assert.ThrowsAsync<CoordinatorException>(() => wait)).Reason);
        }

        Assert.Equal(SessionState.BudgetExhausted, session.State);
        Assert.Equal(SessionState.BudgetExhausted, (await fixture.Store.FindSessionAsync("tight", CancellationToken.None))!.State);
        Assert.Equal(1, session.NextRoundNumber);
    }

    [Fact]
    public async Task Open_DpSession_SizesTheNoiseForMAndAnnouncesIt()
    {
        using var fixture = new CoordinatorFixture(clients: 5);
        SessionDefinition definition = TestSessions.Definition(maximumClients: 5, dp: DpModeKind.RecordLevel) with { SessionId = "dp" };
        SessionRuntime session = (await fixture.Registry.CreateAsync(definition, new double[definition.ModelLength], CancellationToken.None))!;
        (RoundLobby lobby, _) = Waiting(fixture, session, fixture.ClientIds);

        IReadOnlyList<RoundSetup>? started = null;
        RoundSetup setup = Assert.Single((await fixture.Opener.OpenAsync(session, lobby, s => started = s))!);
        Assert.Same(setup, Assert.Single(started!));

        int threshold = setup.Round.Parameters.Threshold;
        Assert.Equal(PrivacyPlan.MinimumSurvivors(definition, 5, threshold), setup.MinimumSurvivors);
        Assert.True(setup.MinimumSurvivors >= threshold);
        Assert.All(setup.Tickets.Values, t => Assert.Equal((PrivacyPlan.ClientSigma(definition, 5, threshold), PrivacyPlan.EpsilonAfter(definition, 1)), (t.ClientNoiseSigma, t.EpsilonAfterRound)));
    }

    [Fact]
    public async Task OpenAsync_AChosenBankLeavesWhileTheKeysAreRead_NoRoundAndTheOthersStillWait()
    {
        using var fixture = new CoordinatorFixture(clients: 4);
        SessionRuntime session = await fixture.Registry.GetAsync(CoordinatorFixture.SessionId, CancellationToken.None);
        var lobby = new RoundLobby(session.Definition, session.Gate, fixture.Time, new RoundOptions(), () => false, () => { });
        using var leaving = new CancellationTokenSource();
        var waits = new Dictionary<string, Task<RoundTicket>>();
        lock (session.Gate)
        {
            foreach (string id in fixture.ClientIds)
            {
                waits[id] = lobby.Enter(id, out TaskCompletionSource<RoundTicket>? waiter);
                lobby.Watch(id, waiter!, id == "bank-02" ? leaving.Token : CancellationToken.None);
            }
        }

        Task<IReadOnlyList<RoundSetup>?> opening;
        Task<IReadOnlyList<RoundSetup>?> second;
        lock (session.Gate)
        {
            // As the lobby calls it: the banks are chosen under the gate, their keys are read off it.
            opening = fixture.Opener.OpenAsync(session, lobby, _ => Assert.Fail("no round may start without bank-02"));
            Assert.True(session.Opening);
            second = fixture.Opener.OpenAsync(session, lobby, _ => Assert.Fail("a second round may not open while one is formed"));
            leaving.Cancel();
        }

        Assert.Null(await opening);
        Assert.Null(await second);
        Assert.True(waits["bank-02"].IsCanceled);
        Assert.All(waits.Where(w => w.Key != "bank-02"), w => Assert.False(w.Value.IsCompleted));
        Assert.Equal(3, lobby.Count);
        Assert.False(session.Opening);
        Assert.Equal(1, session.NextRoundNumber);
    }

    // A lobby that never opens by itself, holding a wait of each bank.
    private static (RoundLobby Lobby, Task<RoundTicket>[] Waits) Waiting(CoordinatorFixture fixture, SessionRuntime session, IEnumerable<string> clientIds)
    {
        var lobby = new RoundLobby(session.Definition, session.Gate, fixture.Time, new RoundOptions(), () => false, () => { });
        lock (session.Gate)
        {
            return (lobby, [.. clientIds.Select(id => lobby.Enter(id, out _))]);
        }
    }
}
