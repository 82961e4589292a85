using Microsoft.Extensions.Time.Testing;
using PrivateFl.Server.Coordination;
using PrivateFl.Server.Options;

namespace PrivateFl.Server.Tests.Coordination;

/// <summary><see cref="RoundLobby"/>: waiting banks and the gather window, on a fake clock.</summary>
public sealed class RoundLobbyTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));
    private readonly Lock _gate = new();
    private readonly RoundOptions _options = new() { MinimumClients = 3, GatherWindow = TimeSpan.FromSeconds(2) };
    private readonly List<string[]> _opened = [];
    private bool _mayOpen = true;

    [Fact]
    public void TryOpen_MinimumWaiting_OpensExactlyWhenTheFakeClockPassesTheGatherWindow()
    {
        using RoundLobby lobby = NewLobby(maximumClients: 5);
        Task<RoundTicket>[] waits = [.. Enumerable.Range(1, 3).Select(i => Enter(lobby, $"bank-{i}"))];
        Assert.True(lobby.IsGathering);

        _time.Advance(_options.GatherWindow - TimeSpan.FromTicks(1));
        Assert.Empty(_opened);
        Assert.All(waits, w => Assert.False(w.IsCompleted));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(["bank-1", "bank-2", "bank-3"], Assert.Single(_opened));
        Assert.All(waits, w => Assert.True(w.IsCompletedSuccessfully));
        Assert.Equal([1, 2, 3], waits.Select(w => w.Result.Index));
        Assert.Equal(0, lobby.Count);
        Assert.False(lobby.IsGathering);
    }

    [Fact]
    public void Enter_MaximumWaiting_OpensAtOnceWithoutWaitingOutTheWindow()
    {
        using RoundLobby lobby = NewLobby(maximumClients: 4);
        for (int i = 1; i <= 3; i++)
        {
            _ = Enter(lobby, $"bank-{i}");
        }

        Assert.Empty(_opened);
        _ = Enter(lobby, "bank-4");

        Assert.Equal(4, Assert.Single(_opened).Length);
        Assert.False(lobby.IsGathering);
        _time.Advance(_options.GatherWindow);
        Assert.Single(_opened);
    }

    [Fact]
    public void Enter_NoGatherWindow_OpensAsSoonAsTheMinimumWaits()
    {
        _options.GatherWindow = TimeSpan.Zero;
        using RoundLobby lobby = NewLobby(maximumClients: 5);

        _ = Enter(lobby, "bank-1");
        _ = Enter(lobby, "bank-2");
        Assert.Empty(_opened);
        _ = Enter(lobby, "bank-3");

        Assert.Equal(3, Assert.Single(_opened).Length);
    }

    [Fact]
    public async Task Enter_SecondWaitOfOneBank_RefusedUntilTheFirstIsCancelled()
    {
        using RoundLobby lobby = NewLobby(maximumClients: 5);
        using var first = new CancellationTokenSource();
        Task<RoundTicket> waiting = Enter(lobby, "bank-1", first.Token);

        var refused = await Assert.ThrowsAsync<CoordinatorException>(() => Enter(lobby, "bank-1"));
        Assert.Equal(CoordinatorErrorKind.AlreadyWaiting, refused.Kind);
        Assert.Equal(ErrorReasons.WaitAlreadyPending, refused.Reason);
        Assert.False(waiting.IsCompleted);

        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, lobby.Count);
        Task<RoundTicket> retry = Enter(lobby, "bank-1");
        Assert.False(retry.IsCompleted);
        Assert.Equal(1, lobby.Count);
    }

    [Fact]
    public void Watch_CancelledDuringTheWindow_TheRoundDoesNotOpenWithoutIt()
    {
        using RoundLobby lobby = NewLobby(maximumClients: 5);
        using var leaving = new CancellationTokenSource();
        _ = Enter(lobby, "bank-1");
        _ = Enter(lobby, "bank-2");
        Task<RoundTicket> gone = Enter(lobby, "bank-3", leaving.Token);

        leaving.Cancel();
        _time.Advance(_options.GatherWindow);

        Assert.True(gone.IsCanceled);
        Assert.Empty(_opened);
        Assert.Equal(2, lobby.Count);
    }

    [Fact]
    public void TryOpen_SessionMayNotOpen_NeitherOpensNorStartsTheWindow()
    {
        _mayOpen = false;
        using RoundLobby lobby = NewLobby(maximumClients: 3);

        for (int i = 1; i <= 3; i++)
        {
            _ = Enter(lobby, $"bank-{i}");
        }

        Assert.False(lobby.IsGathering);
        Assert.Empty(_opened);
        _mayOpen = true;
        lock (_gate)
        {
            lobby.TryOpen();
        }

        Assert.Single(_opened);
    }

    [Fact]
    public async Task RefuseAll_EveryWaitFailsWithTheErrorAndTheLobbyEmpties()
    {
        _mayOpen = false;
        using RoundLobby lobby = NewLobby(maximumClients: 5);
        Task<RoundTicket>[] waits = [Enter(lobby, "bank-1"), Enter(lobby, "bank-2")];
        var done = new CoordinatorException(CoordinatorErrorKind.FailedPrecondition, "done");

        lock (_gate)
        {
            lobby.RefuseAll(done);
        }

        foreach (Task<RoundTicket> wait in waits)
        {
            Assert.Same(done, await Assert.ThrowsAsync<CoordinatorException>(() => wait));
        }

        Assert.Equal(0, lobby.Count);
    }

    [Fact]
    public void Select_MoreWaitingThanTheRoundTakes_TakesTheFirstIdsInOrdinalOrder()
    {
        _mayOpen = false;
        using RoundLobby lobby = NewLobby(maximumClients: 5);
        foreach (string id in new[] { "c", "a", "B", "b" })
        {
            _ = Enter(lobby, id);
        }

        lock (_gate)
        {
            Assert.Equal(["B", "a", "b"], lobby.Select(3));
        }
    }

    private RoundLobby NewLobby(int maximumClients)
    {
        SessionDefinition definition = TestSessions.Definition(minimumClients: 3, maximumClients: maximumClients);
        RoundLobby? lobby = null;
        lobby = new RoundLobby(definition, _gate, _time, _options, () => _mayOpen, () =>
        {
            string[] participants = lobby!.Select(definition.MaximumClients);
            _opened.Add(participants);
            for (int i = 0; i < participants.Length; i++)
            {
                lobby.Admit(participants[i], TestSessions.Ticket(definition, i + 1, participants.Length));
            }
        });
        return lobby;
    }

    private Task<RoundTicket> Enter(RoundLobby lobby, string clientId, CancellationToken cancellationToken = default)
    {
        Task<RoundTicket> wait;
        TaskCompletionSource<RoundTicket>? waiter;
        lock (_gate)
        {
            wait = lobby.Enter(clientId, out waiter);
        }

        if (waiter is not null)
        {
            lobby.Watch(clientId, waiter, cancellationToken);
        }

        return wait;
    }
}
