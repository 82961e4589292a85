using Microsoft.Extensions.Options;
using PrivateFl.Server.Options;

namespace PrivateFl.Server.Security;

/// <summary>
/// Bounds what callers can make the server hold: calls in flight per client and in total once their signature verified,
/// calls not yet verified, and bytes of request bodies buffered at once (<c>ServerOptions:MaxConcurrentCallsPerClient</c>,
/// <c>MaxConcurrentCalls</c>, <c>MaxConcurrentUnauthenticatedCalls</c>, <c>MaxBufferedRequestBytes</c>).
/// </summary>
/// <remarks>
/// A call is counted against its client id only after its signature verified: counted by the claimed id, anyone who
/// knows an enrolled id could hold that bank's calls with badly signed ones (issue 10).
/// </remarks>
internal sealed class CallLimiter(IOptions<ServerOptions> options, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _calls;
    private int _unauthenticated;
    private long _bytes;
    private TaskCompletionSource _bytesReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets the calls in flight.</summary>
    public int Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls;
            }
        }
    }

    /// <summary>Gets how many clients have at least one authenticated call in flight.</summary>
    public int Clients
    {
        get
        {
            lock (_gate)
            {
                return _perClient.Count;
            }
        }
    }

    /// <summary>Gets the calls in flight whose signature has not verified yet.</summary>
    public int UnauthenticatedCalls => Volatile.Read(ref _unauthenticated);

    /// <summary>Gets the body bytes held.</summary>
    public long BufferedBytes => Interlocked.Read(ref _bytes);

    /// <summary>Admits a call whose signature is still to be verified, whatever client it claims; false at <c>MaxConcurrentUnauthenticatedCalls</c>.</summary>
    public bool TryEnterUnauthenticated()
    {
        int limit = options.Value.MaxConcurrentUnauthenticatedCalls;
        int current = Volatile.Read(ref _unauthenticated);
        while (true)
        {
            if (current >= limit)
            {
                return false;
            }

            int seen = Interlocked.CompareExchange(ref _unauthenticated, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }
    }

    /// <summary>Ends the unauthenticated phase of a call admitted by <see cref="TryEnterUnauthenticated"/>.</summary>
    public void ExitUnauthenticated() => Interlocked.Decrement(ref _unauthenticated);

    /// <summary>Admits a call of <paramref name="clientId"/> (whose signature verified), or returns the refusal reason (<see cref="CallRefusals"/>).</summary>
    public string? TryEnter(string clientId)
    {
        ServerOptions limits = options.Value;
        lock (_gate)
        {
            if (_calls >= limits.MaxConcurrentCalls)
            {
                return CallRefusals.ServerBusy;
            }

            int mine = _perClient.GetValueOrDefault(clientId);
            if (mine >= limits.MaxConcurrentCallsPerClient)
            {
                return CallRefusals.ClientBusy;
            }

            _perClient[clientId] = mine + 1;
            _calls++;
            return null;
        }
    }

    /// <summary>Ends a call admitted by <see cref="TryEnter"/>.</summary>
    public void Exit(string clientId)
    {
        lock (_gate)
        {
            _calls--;
            int mine = _perClient[clientId] - 1;
            if (mine == 0)
            {
                _perClient.Remove(clientId);
            }
            else
            {
                _perClient[clientId] = mine;
            }
        }
    }

    /// <summary>Reserves body bytes; false if the budget would be exceeded.</summary>
    public bool TryReserveBytes(long bytes)
    {
        long budget = options.Value.MaxBufferedRequestBytes;
        long current = Interlocked.Read(ref _bytes);
        while (true)
        {
            if (current + bytes > budget)
            {
                return false;
            }

            long seen = Interlocked.CompareExchange(ref _bytes, current + bytes, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }
    }

    /// <summary>
    /// Reserves body bytes, waiting up to <paramref name="wait"/> for other calls to return theirs: a burst of honest
    /// calls (every bank's masked input at the end of a stage) queues for the budget instead of being refused, while
    /// what is held at once stays bounded.
    /// </summary>
    /// <returns><see langword="false"/> if the budget did not free enough within the wait.</returns>
    public async ValueTask<bool> ReserveBytesAsync(long bytes, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (TryReserveBytes(bytes))
        {
            return true;
        }

        if (bytes > options.Value.MaxBufferedRequestBytes || wait <= TimeSpan.Zero)
        {
            return false;
        }

        long started = _time.GetTimestamp();
        while (true)
        {
            // Take the signal before trying, so that a release between the try and the wait is not missed.
            Task released = Volatile.Read(ref _bytesReleased).Task;
            if (TryReserveBytes(bytes))
            {
                return true;
            }

            TimeSpan left = wait - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await released.WaitAsync(left, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return TryReserveBytes(bytes);
            }
        }
    }

    /// <summary>Returns bytes reserved by <see cref="TryReserveBytes"/> or <see cref="ReserveBytesAsync"/>, and wakes the calls waiting for them.</summary>
    public void ReleaseBytes(long bytes)
    {
        Interlocked.Add(ref _bytes, -bytes);
        Interlocked.Exchange(ref _bytesReleased, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
