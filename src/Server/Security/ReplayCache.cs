namespace PrivateFl.Server.Security;

/// <summary>
/// Remembers each client's call nonces in the database for as long as the call's timestamp is inside the clock-skew
/// window, so that a captured call cannot be replayed, also after the server restarts (specs/api.md, "Authentication").
/// </summary>
/// <remarks>
/// Stored nonces rather than a per-client high-water timestamp: a bank's concurrent calls may arrive out of order,
/// and a high-water mark would refuse the later-signed one that arrives first.
/// </remarks>
internal sealed class ReplayCache(Storage.IFederationStore store, TimeProvider time)
{
    private long _nextSweep;

    /// <summary>Returns false if this client already used the nonce within the window (before or after a restart).</summary>
    /// <param name="clientId">The authenticated client.</param>
    /// <param name="nonce">The call's decoded nonce (so that hex in another letter case is the same nonce).</param>
    /// <param name="timestampMs">The call's signed timestamp, already checked to be within <paramref name="window"/> of now.</param>
    /// <param name="window">The allowed clock skew.</param>
    /// <param name="cancellationToken">Cancels the check (the call ended).</param>
    public async Task<bool> TryUseAsync(string clientId, ReadOnlyMemory<byte> nonce, long timestampMs, TimeSpan window, CancellationToken cancellationToken)
    {
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        long windowMs = (long)window.TotalMilliseconds;
        long sweep = Interlocked.Read(ref _nextSweep);
        if (now >= sweep && Interlocked.CompareExchange(ref _nextSweep, now + windowMs, sweep) == sweep)
        {
            // A further window of margin: a nonce stored under a smaller ClockSkew (before a restart that raised it)
            // expires at ts + old window, yet its call stays acceptable until ts + new window; kept until
            // ts + old + new window, it outlives that whatever the two windows are.
            await store.PruneNoncesAsync(now - windowMs, cancellationToken).ConfigureAwait(false);
        }

        // Kept until the timestamp leaves the window at the latest clock the check allows; a server clock that
        // steps back can only make the window stricter.
        return await store.TryRecordNonceAsync(clientId, nonce, Math.Max(timestampMs, now) + windowMs, cancellationToken).ConfigureAwait(false);
    }
}
