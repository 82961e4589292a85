using System.Collections.Concurrent;

namespace PrivateFl.Server.Security;

/// <summary>Remembers call nonces for twice the allowed clock skew, so that a captured call cannot be replayed.</summary>
internal sealed class ReplayCache(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private long _nextSweep;

    /// <summary>Returns false if this client already used the nonce within the window.</summary>
    public bool TryUse(string clientId, string nonce, TimeSpan window)
    {
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now >= Interlocked.Read(ref _nextSweep))
        {
            Interlocked.Exchange(ref _nextSweep, now + (long)window.TotalMilliseconds);
            foreach ((string key, long expiry) in _seen)
            {
                if (expiry < now)
                {
                    _seen.TryRemove(key, out _);
                }
            }
        }

        return _seen.TryAdd(clientId + "\n" + nonce, now + (2 * (long)window.TotalMilliseconds));
    }
}
