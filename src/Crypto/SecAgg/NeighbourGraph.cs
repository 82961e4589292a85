using PrivateFl.Crypto.Primitives;

namespace PrivateFl.Crypto.SecAgg;

/// <summary>
/// The round's neighbour graph, computed by every party from public round data alone (specs/protocol.md §2.2):
/// the complete graph, or the Harary graph H(n, k) laid over a pseudo-random permutation of the clients.
/// </summary>
/// <remarks>
/// The permutation comes from the graph seed the server announces when it opens the round, before any round
/// key exists, and every party derives it identically, so the server cannot choose a client's neighbours
/// after seeing keys, and cannot show different graphs to different clients.
/// </remarks>
public sealed class NeighbourGraph
{
    private readonly int[] _positionOf; // 1-based client → position on the ring
    private readonly int _halfDegree;

    private NeighbourGraph(int participantCount, int degree, NeighbourGraphKind kind, int[] positionOf)
    {
        ParticipantCount = participantCount;
        Degree = degree;
        Kind = kind;
        _positionOf = positionOf;
        _halfDegree = degree / 2;
    }

    /// <summary>Gets n.</summary>
    public int ParticipantCount { get; }

    /// <summary>Gets k, the number of neighbours of each client.</summary>
    public int Degree { get; }

    /// <summary>Gets the kind of graph.</summary>
    public NeighbourGraphKind Kind { get; }

    /// <summary>Computes the graph of a round.</summary>
    /// <param name="parameters">The round's parameters.</param>
    /// <returns>The graph.</returns>
    public static NeighbourGraph Create(SecAggParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int n = parameters.ParticipantCount;
        if (parameters.GraphKind == NeighbourGraphKind.Complete)
        {
            return new NeighbourGraph(n, n - 1, NeighbourGraphKind.Complete, []);
        }

        // Fisher–Yates over 1 … n driven by the AES-CTR stream of HKDF(graph seed, "privatefl/v1/graph", context).
        Span<byte> key = stackalloc byte[MaskGenerator.SeedSize];
        Kdf.DeriveKey(parameters.Round.GraphSeed, KdfLabels.Graph, parameters.Round.Context, key);
        var stream = new WordStream(key.ToArray());
        int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i + 1;
        }

        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)stream.NextBelow((uint)i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        int[] positionOf = new int[n + 1];
        for (int position = 0; position < n; position++)
        {
            positionOf[order[position]] = position;
        }

        return new NeighbourGraph(n, parameters.Degree, NeighbourGraphKind.Harary, positionOf);
    }

    /// <summary>Returns whether two distinct clients are neighbours.</summary>
    /// <param name="u">A client index, 1 … n.</param>
    /// <param name="v">Another client index, 1 … n.</param>
    /// <returns><see langword="true"/> if u and v exchange masks and shares.</returns>
    public bool AreNeighbours(int u, int v)
    {
        if (u == v || u < 1 || v < 1 || u > ParticipantCount || v > ParticipantCount)
        {
            return false;
        }

        if (Kind == NeighbourGraphKind.Complete)
        {
            return true;
        }

        int distance = Math.Abs(_positionOf[u] - _positionOf[v]);
        return Math.Min(distance, ParticipantCount - distance) <= _halfDegree;
    }

    /// <summary>Lists a client's neighbours in ascending order.</summary>
    /// <param name="client">A client index, 1 … n.</param>
    /// <returns>The k neighbours.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is not 1 … n.</exception>
    public IReadOnlyList<int> NeighboursOf(int client)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(client, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(client, ParticipantCount);
        var neighbours = new List<int>(Degree);
        if (Kind == NeighbourGraphKind.Complete)
        {
            for (int v = 1; v <= ParticipantCount; v++)
            {
                if (v != client)
                {
                    neighbours.Add(v);
                }
            }

            return neighbours;
        }

        int[] clientAt = new int[ParticipantCount];
        for (int v = 1; v <= ParticipantCount; v++)
        {
            clientAt[_positionOf[v]] = v;
        }

        int position = _positionOf[client];
        for (int offset = 1; offset <= _halfDegree; offset++)
        {
            neighbours.Add(clientAt[(position + offset) % ParticipantCount]);
            neighbours.Add(clientAt[(position - offset + ParticipantCount) % ParticipantCount]);
        }

        neighbours.Sort();
        return neighbours;
    }

    /// <summary>Every client's neighbour list at once (index 0 unused), in O(n · k).</summary>
    /// <summary>The ring position (0 … n − 1) of a client of a Harary graph: for the golden vectors.</summary>
    internal int PositionOf(int client) => _positionOf[client];

    internal int[][] AllNeighbours()
    {
        int n = ParticipantCount;
        int[][] all = new int[n + 1][];
        all[0] = [];
        if (Kind == NeighbourGraphKind.Complete)
        {
            for (int u = 1; u <= n; u++)
            {
                all[u] = [.. Enumerable.Range(1, n).Where(v => v != u)];
            }

            return all;
        }

        int[] clientAt = new int[n];
        for (int v = 1; v <= n; v++)
        {
            clientAt[_positionOf[v]] = v;
        }

        for (int u = 1; u <= n; u++)
        {
            int position = _positionOf[u];
            int[] neighbours = new int[Degree];
            for (int offset = 1; offset <= _halfDegree; offset++)
            {
                neighbours[(2 * offset) - 2] = clientAt[(position + offset) % n];
                neighbours[(2 * offset) - 1] = clientAt[(position - offset + n) % n];
            }

            Array.Sort(neighbours);
            all[u] = neighbours;
        }

        return all;
    }

    /// <summary>Uniform integers from a mask-generator stream, by masked rejection on 32-bit words.</summary>
    private sealed class WordStream(byte[] key)
    {
        private uint[] _words = [];
        private int _position;

        public uint NextBelow(uint bound)
        {
            uint mask = uint.MaxValue >> System.Numerics.BitOperations.LeadingZeroCount(bound - 1);
            while (true)
            {
                uint candidate = Next() & mask;
                if (candidate < bound)
                {
                    return candidate;
                }
            }
        }

        private uint Next()
        {
            if (_position == _words.Length)
            {
                // The stream is deterministic, so a longer prefix extends the shorter one; doubling keeps it O(n).
                _words = new uint[Math.Max(1024, _words.Length * 2)];
                MaskGenerator.Generate(key, _words);
            }

            return _words[_position++];
        }
    }
}
