using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Crypto.Tests.Support;

namespace PrivateFl.Crypto.Tests.Claims;

/// <summary>
/// SECURITY.md, "Honest-but-curious server" and "Corrupted banks" (docs/claims.md S6, S23, P39): a semi-honest server
/// with up to C = ⌊γn⌋ colluding banks learns only the sum of the honest inputs in it, with certainty on the complete
/// graph, and the corrupted banks learn nothing the coalition as a whole does not.
/// </summary>
/// <remarks>
/// <para>
/// The coalition's view is the whole transcript the server sees (<see cref="CoalitionRound"/>) plus each corrupted bank's
/// input and round secrets; its knowledge is the closure of that view under the protocol's own derivations
/// (<see cref="CoalitionKnowledge"/>: share keys of pairs with a corrupted end or a disclosed complaint point, every share
/// those keys open, every revealed share, every secret with ≥ t checked shares, every pairwise seed with a known mask key
/// at one end or a revealed pair point). The properties are exact statements about that closure on the real state
/// machines, over both modes, the complete graph and SecAgg+, random coalitions of up to C banks, dropouts at every
/// stage, garbage dealers (whose complaints disclose share keys) and split dealers (whose expulsion reveals pair points).
/// </para>
/// <para>
/// What remains an assumption, not tested here: that X25519 keys and the HKDF outputs of unknown points are
/// unpredictable (so no pairwise seed outside the closure can be computed by other means: the computational
/// Diffie–Hellman assumption and HKDF as a PRF), that AES-GCM hides what its key does not open, that the AES-CTR PRG's
/// output on a seed outside the closure is indistinguishable from uniform, and that fewer than t Shamir shares
/// say nothing about the secret (tested separately: ShamirTests.Split_TMinusOneShares_AreEquallyLikelyForEverySecret).
/// Under those assumptions the second property is the simulation argument: the view for inputs x and for x shifted
/// along an underivable seed differs only by a change of that seed's PRG output.
/// </para>
/// </remarks>
public sealed class CoalitionViewClaimsTests
{
    /// <summary>
    /// For every honest bank u whose input is in the released sum (the masked inputs the server holds, in an aborted
    /// round), the coalition cannot derive s_u^SK, and whenever two or more honest banks are in the sum it cannot derive
    /// b_u together with every pairwise seed s_uv with the honest banks v in the sum that u masked with: the graph of
    /// underivable seeds between them spans and connects them all. So some mask term of every such y_u is a PRG output
    /// of a seed the coalition cannot derive, and no proper subset of their inputs is unmasked. On the complete graph
    /// the statement is certain and stronger: every pair of them keeps an underivable seed. Checked not to be vacuous:
    /// in a completed round the coalition does hold b_u of every included bank and every seed with a corrupted bank.
    /// </summary>
    [Property(MaxTest = 80, Arbitrary = [typeof(CoalitionScenarios)])]
    public Property Closure_AnyCoalitionUpToGammaN_EveryHonestInputInTheSumKeepsAnUnderivableMaskAndOnlyTheSumIsLeft(CoalitionScenario s)
    {
        SecAggParameters parameters = CoalitionRound.TryParameters(s)!;
        using CoalitionRound round = CoalitionRound.Run(s, parameters);

        CoalitionKnowledge.Closure closure = CoalitionKnowledge.Derive(round);

        int[] honest = round.HonestInSum;
        (int, int)[] protectedPairs = ProtectedPairs(round, closure, honest);
        bool noMaskKey = honest.All(u => !closure.Secrets.Contains((u, SecretKind.MaskKey)));
        bool connected = honest.Length < 2 || Connected(honest, protectedPairs);
        bool everyPairOnComplete = parameters.GraphKind != NeighbourGraphKind.Complete || honest.Length < 2
            || protectedPairs.Length == honest.Length * (honest.Length - 1) / 2;
        bool notVacuous = round.Result is null
            || (honest.All(u => closure.Secrets.Contains((u, SecretKind.SelfMaskSeed)))
                && round.CorruptedSecrets.Keys.All(w => round.Advertised.Keys.Where(v => v != w && round.Graph.AreNeighbours(v, w)).All(v => closure.Seeds.Contains(CoalitionKnowledge.Pair(v, w)))));
        return (noMaskKey && connected && everyPairOnComplete && notVacuous)
            .Label($"{s}; {parameters}; honest in sum [{string.Join(',', honest)}], underivable pairs {protectedPairs.Length}; s^SK derivable of [{string.Join(',', honest.Where(u => closure.Secrets.Contains((u, SecretKind.MaskKey))))}]; connected {connected}, every pair {everyPairOnComplete}, not vacuous {notVacuous}; {round.Abort?.Message}")
            .Classify(round.Result is not null, "completed")
            .Classify(parameters.GraphKind == NeighbourGraphKind.Harary && parameters.Degree < s.ClientCount - 1, "sparse graph")
            .Classify(round.Complaints.Count > 0, "complaints disclosed share keys")
            .Classify(round.PairPoints.Count > 0, "pair points revealed")
            .Classify(round.View.ContainsKey("5 request"), "expulsion ran")
            .Classify(closure.Secrets.Any(e => e.Kind == SecretKind.MaskKey && !s.IsCorrupted(e.Owner)), "an honest dropout's s^SK reconstructed")
            .Classify(honest.Length < 2, "fewer than two honest inputs in the sum");
    }

    /// <summary>
    /// The only function of the honest inputs in the sum the coalition computes is their sum: for two honest banks u, v
    /// in the sum with an underivable seed s_uv between them, the same round with x_u + Δ and x_v − Δ (same randomness
    /// everywhere) gives a closure that differs from the first in y_u and y_v alone, by exactly +Δ and −Δ: the change
    /// that replacing PRG(s_uv) by PRG(s_uv) ± Δ would make. Every other message, every share it opens, every secret
    /// and seed it derives, and the released sum are equal byte for byte. Since the pairs with underivable seeds connect
    /// all honest inputs in the sum (the property above), any change of those inputs that keeps their sum is a chain of
    /// such shifts.
    /// </summary>
    [Property(MaxTest = 50, Arbitrary = [typeof(CoalitionScenarios)])]
    public Property Closure_InputsShiftedAlongAnUnderivableSeed_DiffersOnlyInTheTwoMaskedInputsByThatShift(CoalitionScenario s)
    {
        SecAggParameters parameters = CoalitionRound.TryParameters(s)!;
        using CoalitionRound first = CoalitionRound.Run(s, parameters);
        CoalitionKnowledge.Closure closure = CoalitionKnowledge.Derive(first);
        (int, int)[] pairs = ProtectedPairs(first, closure, first.HonestInSum);
        if (pairs.Length == 0)
        {
            return true.Label("no two honest inputs in the sum").Classify(true, "nothing to shift");
        }

        var random = new DeterministicRandom(s.Seed ^ 0x51f7);
        (int u, int v) = pairs[random.NextInt(0, pairs.Length)];
        uint[] delta = random.NextWords(CoalitionScenario.VectorLength);
        delta[0] |= 1;
        using CoalitionRound second = CoalitionRound.Run(s.Shifted(u, v, delta), parameters);
        _ = CoalitionKnowledge.Derive(second);

        string[] differing = [.. first.View.Keys.Union(second.View.Keys).Where(key => !first.View.TryGetValue(key, out byte[]? a) || !second.View.TryGetValue(key, out byte[]? b) || !a.AsSpan().SequenceEqual(b))];
        bool onlyTheTwo = differing.Order(StringComparer.Ordinal).SequenceEqual(new[] { $"2 masked {u}", $"2 masked {v}" }.Order(StringComparer.Ordinal));
        bool byTheShift = onlyTheTwo
            && Difference(second.View[$"2 masked {u}"], first.View[$"2 masked {u}"]).SequenceEqual(delta)
            && Difference(first.View[$"2 masked {v}"], second.View[$"2 masked {v}"]).SequenceEqual(delta);
        return (onlyTheTwo && byTheShift)
            .Label($"{s}; {parameters}; shift along {u}-{v}; differing entries [{string.Join("; ", differing)}]")
            .Classify(first.Result is not null, "completed")
            .Classify(first.Complaints.Count > 0, "complaints disclosed share keys")
            .Classify(first.View.ContainsKey("5 request"), "expulsion ran")
            .Classify(first.View.Count > 200, "views of more than 200 entries");
    }

    /// <summary>Pairs (u, v) of honest banks in the sum that mask each other's input with a seed outside the closure.</summary>
    private static (int, int)[] ProtectedPairs(CoalitionRound round, CoalitionKnowledge.Closure closure, int[] honest) =>
        [.. honest.SelectMany(u => round.MaskedWith[u]
            .Where(v => v > u && Array.BinarySearch(honest, v) >= 0 && round.MaskedWith[v].Contains(u) && !closure.Seeds.Contains((u, v)))
            .Select(v => (u, v)))];

    private static bool Connected(int[] nodes, (int A, int B)[] edges)
    {
        var reached = new HashSet<int> { nodes[0] };
        var frontier = new Queue<int>(reached);
        while (frontier.TryDequeue(out int node))
        {
            foreach ((int a, int b) in edges.Where(e => e.A == node || e.B == node))
            {
                int other = a == node ? b : a;
                if (reached.Add(other))
                {
                    frontier.Enqueue(other);
                }
            }
        }

        return reached.Count == nodes.Length;
    }

    private static uint[] Difference(byte[] later, byte[] earlier) =>
        [.. Enumerable.Range(0, later.Length / sizeof(uint)).Select(i => BitConverter.ToUInt32(later, i * sizeof(uint)) - BitConverter.ToUInt32(earlier, i * sizeof(uint)))];
}
