using System.Buffers.Binary;

namespace PrivateFl.Crypto.SecAgg;

/// <summary>
/// The public data that names one secure-aggregation round: every key, ciphertext and signature of the
/// round is bound to it, so nothing can be replayed into another session or round.
/// </summary>
public sealed class RoundIdentity
{
    /// <summary>The size of the graph seed, in bytes.</summary>
    public const int GraphSeedSize = 32;

    /// <summary>The longest session id, in characters.</summary>
    public const int MaxSessionIdLength = 64;

    private readonly byte[] _graphSeed;
    private readonly byte[] _context;

    /// <summary>Creates a round identity.</summary>
    /// <param name="sessionId">The training session: 1 to 64 printable ASCII characters.</param>
    /// <param name="roundNumber">The round within the session, from 0.</param>
    /// <param name="graphSeed">32 public random bytes the server announces when it opens the round, before any key is seen; they fix the neighbour graph.</param>
    /// <exception cref="ArgumentException">The session id or the seed is malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The round number is negative.</exception>
    public RoundIdentity(string sessionId, long roundNumber, ReadOnlySpan<byte> graphSeed)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        if (sessionId.Length > MaxSessionIdLength || sessionId.Any(c => c is < (char)0x21 or > (char)0x7E))
        {
            throw new ArgumentException($"A session id is 1 to {MaxSessionIdLength} printable ASCII characters without spaces.", nameof(sessionId));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(roundNumber);
        if (graphSeed.Length != GraphSeedSize)
        {
            throw new ArgumentException($"The graph seed is {GraphSeedSize} bytes; got {graphSeed.Length}.", nameof(graphSeed));
        }

        SessionId = sessionId;
        RoundNumber = roundNumber;
        _graphSeed = graphSeed.ToArray();
        _context = new byte[1 + sessionId.Length + sizeof(long) + GraphSeedSize];
        _context[0] = (byte)sessionId.Length;
        System.Text.Encoding.ASCII.GetBytes(sessionId, _context.AsSpan(1));
        BinaryPrimitives.WriteInt64LittleEndian(_context.AsSpan(1 + sessionId.Length), roundNumber);
        _graphSeed.CopyTo(_context.AsSpan(1 + sessionId.Length + sizeof(long)));
    }

    /// <summary>Gets the training session id.</summary>
    public string SessionId { get; }

    /// <summary>Gets the round number within the session.</summary>
    public long RoundNumber { get; }

    /// <summary>Gets the public seed of the neighbour graph.</summary>
    public ReadOnlySpan<byte> GraphSeed => _graphSeed;

    /// <summary>The round context: uint8 len || ASCII(session) || int64_le(round) || graph seed (specs/protocol.md §2.1).</summary>
    internal ReadOnlySpan<byte> Context => _context;

    /// <inheritdoc />
    public override string ToString() => $"{SessionId}/round {RoundNumber}";
}
