using PrivateFl.Server.Options;

namespace PrivateFl.Server.Coordination;

/// <summary>
/// The banks of one session waiting for its next round (their <c>WaitForRound</c> long polls), and the gather
/// window: a round opens at once when the session's most clients wait (or there is no window), and otherwise when
/// the window has passed since the minimum was first reached, so that late banks can still join.
/// </summary>
/// <remarks>
/// Every member except <see cref="Watch"/> runs under the session's gate, which the lobby shares with the round in
/// progress: opening a round and its tickets then cannot interleave with a stage. The window runs on the injected
/// <see cref="TimeProvider"/>.
/// </remarks>
/// <param name="session">The session.</param>
/// <param name="gate">The session's gate, shared with its round.</param>
/// <param name="time">The clock of the gather window.</param>
/// <param name="options">The front end's round options.</param>
/// <param name="mayOpen">Whether the session may open a round now (under the gate).</param>
/// <param name="open">Opens a round (under the gate).</param>
/// <param name="cohortsToForm">The fewest cohorts a round of this lobby's banks forms (default: the session's minimum); see <see cref="IRoundCoordination.CohortsToForm"/>.</param>
internal sealed class RoundLobby(SessionDefinition session, Lock gate, TimeProvider time, RoundOptions options, Func<bool> mayOpen, Action open, Func<int>? cohortsToForm = null) : IDisposable
{
    private readonly Dictionary<string, TaskCompletionSource<RoundTicket>> _waiting = new(StringComparer.Ordinal);
    private ITimer? _gatherTimer;
    private ITimer? _retryTimer;

    /// <summary>How long waiting banks wait before their front end asks again for a round while another front end's runs.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets how many banks wait.</summary>
    public int Count => _waiting.Count;

    /// <summary>Gets whether the gather window is running.</summary>
    public bool IsGathering => _gatherTimer is not null;

    /// <summary>
    /// Adds a bank's wait and opens a round if one may open now. A bank waits once at a time: a second wait while the
    /// first is pending is refused rather than replacing it, since the two would otherwise cancel each other with an
    /// imprecise status; the first one's cancellation removes it, so a retry then succeeds.
    /// </summary>
    /// <returns>The bank's pending ticket, or a task faulted with <see cref="CoordinatorErrorKind.AlreadyWaiting"/>.</returns>
    public Task<RoundTicket> Enter(string clientId, out TaskCompletionSource<RoundTicket>? waiter)
    {
        if (_waiting.TryGetValue(clientId, out TaskCompletionSource<RoundTicket>? previous) && !previous.Task.IsCompleted)
        {
            waiter = null;
            return Task.FromException<RoundTicket>(new CoordinatorException(CoordinatorErrorKind.AlreadyWaiting, $"Client '{clientId}' already has a WaitForRound call waiting in session '{session.SessionId}'; a bank waits once at a time.") { Reason = ErrorReasons.WaitAlreadyPending });
        }

        waiter = new TaskCompletionSource<RoundTicket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[clientId] = waiter;
        TryOpen();
        return waiter.Task;
    }

    /// <summary>Removes a bank's wait when its call is cancelled. Call outside the gate, after <see cref="Enter"/>.</summary>
    public void Watch(string clientId, TaskCompletionSource<RoundTicket> waiter, CancellationToken cancellationToken) =>
        cancellationToken.Register(() =>
        {
            lock (gate)
            {
                if (_waiting.TryGetValue(clientId, out TaskCompletionSource<RoundTicket>? mine) && mine == waiter)
                {
                    _waiting.Remove(clientId);
                }
            }

            waiter.TrySetCanceled(cancellationToken);
        });

    /// <summary>Opens a round now, or starts the gather window, if enough banks wait and the session may run one.</summary>
    public void TryOpen()
    {
        int minimum = Math.Max(options.MinimumClients, session.MinimumClientsFor(cohortsToForm?.Invoke() ?? session.MinimumCohorts));
        if (!mayOpen() || _waiting.Count < minimum)
        {
            return;
        }

        if (_waiting.Count >= session.MaximumClients || options.GatherWindow <= TimeSpan.Zero)
        {
            StopGathering();
            open();
            return;
        }

        _gatherTimer ??= time.CreateTimer(
            _ =>
            {
                lock (gate)
                {
                    StopGathering();
                    if (mayOpen() && _waiting.Count >= minimum)
                    {
                        open();
                    }
                }
            },
            null,
            options.GatherWindow,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>Tries to open a round again after <see cref="RetryDelay"/> (a round of another front end is running).</summary>
    public void RetryLater()
    {
        _retryTimer?.Dispose();
        _retryTimer = time.CreateTimer(
            _ =>
            {
                lock (gate)
                {
                    TryOpen();
                }
            },
            null,
            RetryDelay,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>The banks a round takes: at most <paramref name="count"/>, in client-id order.</summary>
    public string[] Select(int count)
    {
        StopGathering();
        return [.. _waiting.Keys.Order(StringComparer.Ordinal).Take(count)];
    }

    /// <summary>Gets whether a bank waits (it may have left while a round that chose it was being formed).</summary>
    public bool IsWaiting(string clientId) => _waiting.ContainsKey(clientId);

    /// <summary>Hands a bank its ticket and removes its wait.</summary>
    public void Admit(string clientId, RoundTicket ticket)
    {
        _waiting[clientId].TrySetResult(ticket);
        _waiting.Remove(clientId);
    }

    /// <summary>Refuses a bank's wait with <paramref name="error"/>.</summary>
    public void Refuse(string clientId, Exception error)
    {
        _waiting[clientId].TrySetException(error);
        _waiting.Remove(clientId);
    }

    /// <summary>Refuses every waiting bank with <paramref name="error"/> (the session can run no more rounds).</summary>
    public void RefuseAll(Exception error)
    {
        foreach (TaskCompletionSource<RoundTicket> waiter in _waiting.Values)
        {
            waiter.TrySetException(error);
        }

        _waiting.Clear();
    }

    public void Dispose()
    {
        StopGathering();
        _retryTimer?.Dispose();
    }

    private void StopGathering()
    {
        _gatherTimer?.Dispose();
        _gatherTimer = null;
    }
}
