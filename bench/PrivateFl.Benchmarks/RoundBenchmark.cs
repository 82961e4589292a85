using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;

namespace PrivateFl.Benchmarks;

/// <summary>
/// One whole secure-aggregation round in process, timed stage by stage (issue "Secure aggregation protocol"):
/// the server's compute per stage, one client's compute, and the bytes each client sends.
/// </summary>
internal static class RoundBenchmark
{
    public static void Run(string[] args)
    {
        int repetitions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
        Measure("n = 100, d = 100,000, complete, 10% drop after ShareKeys", 100, 100_000, NeighbourGraphKind.Complete, SecAggMode.SemiHonest, repetitions);
        Measure("n = 100, d = 100,000, SecAgg+, 10% drop after ShareKeys", 100, 100_000, NeighbourGraphKind.Harary, SecAggMode.SemiHonest, repetitions);
        Measure("n = 100, d = 100,000, complete, active, 10% drop after ShareKeys", 100, 100_000, NeighbourGraphKind.Complete, SecAggMode.Active, repetitions);
        Measure("n = 1,000, d = 100,000, SecAgg+, 10% drop after ShareKeys", 1000, 100_000, NeighbourGraphKind.Harary, SecAggMode.SemiHonest, repetitions);
    }

    /// <summary>
    /// One client's Unmask answer with 10% of its neighbours dropped, small d so that the proofs show (review finding R1:
    /// the pair points of dropped neighbours were proven in every Unmask answer). Run it on two commits to compare.
    /// </summary>
    public static void RunUnmask(string[] args)
    {
        int repetitions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm}");
        Measure("n = 100, d = 1,000, complete, semi-honest, 10% drop after ShareKeys", 100, 1000, NeighbourGraphKind.Complete, SecAggMode.SemiHonest, repetitions);
        Measure("n = 100, d = 1,000, complete, active, 10% drop after ShareKeys", 100, 1000, NeighbourGraphKind.Complete, SecAggMode.Active, repetitions);
    }

    /// <summary>
    /// Active mode through the SecAgg+ derivation with a small vector, so that the graph's cost is what shows
    /// (issue 9 §2: active mode now always uses the complete graph). Run it on two commits to compare.
    /// </summary>
    public static void RunActive(string[] args)
    {
        int repetitions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm}");
        Measure("n = 100, d = 1,000, active, SecAgg+ derivation, 10% drop after ShareKeys", 100, 1000, NeighbourGraphKind.Harary, SecAggMode.Active, repetitions);
        Measure("n = 1,000, d = 1,000, active, SecAgg+ derivation, 10% drop after ShareKeys", 1000, 1000, NeighbourGraphKind.Harary, SecAggMode.Active, 1);
    }

    private static void Measure(string title, int n, int d, NeighbourGraphKind graph, SecAggMode mode, int repetitions)
    {
        var samples = new List<Sample>();
        for (int r = 0; r < repetitions; r++)
        {
            samples.Add(RunOnce(n, d, graph, mode));
        }

        Sample median = samples.OrderBy(s => s.ServerTotal).ElementAt(samples.Count / 2);
        Console.WriteLine();
        Console.WriteLine($"## {title}: {median.Parameters}");
        Console.WriteLine($"server per stage (ms): advertise {median.Server[0]:F1} | share {median.Server[1]:F1} | masked input {median.Server[2]:F1} | consistency {median.Server[3]:F1} | unmask {median.Server[4]:F1} | total {median.ServerTotal:F1}");
        Console.WriteLine($"one client (ms, median of clients): advertise {median.Client[0]:F2} | share {median.Client[1]:F2} | mask {median.Client[2]:F2} | consistency {median.Client[3]:F2} | unmask {median.Client[4]:F2} | total {median.Client.Sum():F2}");
        Console.WriteLine($"bytes one client sends: advertise {median.Bytes[0]} | share {median.Bytes[1]} | masked input {median.Bytes[2]} | consistency {median.Bytes[3]} | unmask {median.Bytes[4]} | total {median.Bytes.Sum()}");
        Console.WriteLine($"server totals over {repetitions} runs (ms): {string.Join(", ", samples.Select(s => s.ServerTotal.ToString("F0", CultureInfo.InvariantCulture)))}");
    }

    private static Sample RunOnce(int n, int d, NeighbourGraphKind graph, SecAggMode mode)
    {
        var round = new RoundIdentity("bench", 1, RandomNumberGenerator.GetBytes(32));
        SecAggParameters parameters = graph == NeighbourGraphKind.Complete
            ? SecAggParameters.Complete(n, d, round, mode, dropoutRate: 0.1, corruptedFraction: 0.05)
            : SecAggParameters.SecAggPlus(n, d, round, mode, dropoutRate: 0.1, corruptedFraction: 0.05);
        var identities = Enumerable.Range(1, n).ToDictionary(i => i, _ => PrivateFl.Crypto.Primitives.SigningKey.Generate());
        IReadOnlyDictionary<int, ReadOnlyMemory<byte>>? publicKeys = mode == SecAggMode.Active
            ? identities.ToDictionary(p => p.Key, p => (ReadOnlyMemory<byte>)p.Value.PublicKey.ToArray())
            : null;
        var server = new AggregationRound(parameters, publicKeys);
        ClientSession[] clients = [.. Enumerable.Range(1, n).Select(i => new ClientSession(parameters, i, publicKeys is null ? null : identities[i], publicKeys))];
        uint[] input = new uint[d];
        var clientTimes = new double[n, 5];
        var bytes = new long[n, 5];
        double[] serverTimes = new double[5];
        var clock = new Stopwatch();

        double Time(Action action)
        {
            clock.Restart();
            action();
            return clock.Elapsed.TotalMilliseconds;
        }

        // Stage 0.
        foreach (ClientSession client in clients)
        {
            AdvertisedKeys keys = null!;
            clientTimes[client.Index - 1, 0] = Time(() => keys = client.AdvertiseKeys());
            bytes[client.Index - 1, 0] = 4 + keys.CipherPublicKey.Length + keys.MaskPublicKey.Length + keys.Signature.Length + keys.SelfMaskCommitment.Length;
            serverTimes[0] += Time(() => server.AcceptAdvertiseKeys(keys));
        }

        IReadOnlyDictionary<int, KeyDirectory> directories = null!;
        serverTimes[0] += Time(() => directories = server.CloseAdvertiseKeys());

        // Stage 1; then 10% drop.
        foreach ((int index, KeyDirectory directory) in directories)
        {
            ShareKeys shares = null!;
            clientTimes[index - 1, 1] = Time(() => shares = clients[index - 1].ShareKeys(directory));
            bytes[index - 1, 1] = 4 + shares.Shares.Sum(s => 8 + s.Ciphertext.Length + s.Commitments.Length + s.Signature.Length);
            serverTimes[1] += Time(() => server.AcceptShareKeys(shares));
        }

        IReadOnlyDictionary<int, ShareDelivery> deliveries = null!;
        serverTimes[1] += Time(() => deliveries = server.CloseShareKeys());
        var dropped = new HashSet<int>(deliveries.Keys.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).Take(n / 10));

        // Stage 2.
        foreach ((int index, ShareDelivery delivery) in deliveries.Where(p => !dropped.Contains(p.Key)))
        {
            MaskedInput masked = null!;
            clientTimes[index - 1, 2] = Time(() => masked = clients[index - 1].MaskInput(delivery, input));
            bytes[index - 1, 2] = 4 + (4L * masked.Vector.Length) + (masked.Complaints?.Sum(c => 4 + c.SharedPoint.Length + c.Proof.Length) ?? 0);
            serverTimes[2] += Time(() => server.AcceptMaskedInput(masked));
        }

        SurvivorList survivors = null!;
        serverTimes[2] += Time(() => survivors = server.CloseMaskedInput());

        // Stage 3 (active) and 4.
        IEnumerable<int> unmaskers = survivors.Survivors;
        Func<ClientSession, UnmaskShares> unmask = c => c.Unmask(survivors);
        if (mode == SecAggMode.Active)
        {
            foreach (int index in survivors.Survivors)
            {
                ConsistencySignature signature = null!;
                clientTimes[index - 1, 3] = Time(() => signature = clients[index - 1].ConsistencyCheck(survivors));
                bytes[index - 1, 3] = 4 + signature.Signature.Length;
                serverTimes[3] += Time(() => server.AcceptConsistencySignature(signature));
            }

            ConsistencyProof proof = null!;
            serverTimes[3] += Time(() => proof = server.CloseConsistencyCheck());
            unmask = c => c.Unmask(proof);
        }

        foreach (int index in unmaskers)
        {
            UnmaskShares shares = null!;
            clientTimes[index - 1, 4] = Time(() => shares = unmask(clients[index - 1]));
            bytes[index - 1, 4] = 4 + shares.Shares.Sum(s => 5 + s.Share.Length + s.Salt.Length) + (shares.PairPoints?.Sum(p => 4 + p.SharedPoint.Length + p.Proof.Length) ?? 0);
            serverTimes[4] += Time(() => server.AcceptUnmask(shares));
        }

        AggregationResult result = null!;
        serverTimes[4] += Time(() => result = server.CloseUnmask() ?? throw new InvalidOperationException("No bank dealt inconsistently, so no expulsion pass is expected."));
        if (result.Sum.Span.IndexOfAnyExcept(0u) >= 0)
        {
            throw new InvalidOperationException("The sum of zero inputs is not zero.");
        }

        int[] full = [.. survivors.Survivors];
        double[] perClient = [.. Enumerable.Range(0, 5).Select(stage => Median(full.Select(i => clientTimes[i - 1, stage])))];
        long[] sent = [.. Enumerable.Range(0, 5).Select(stage => (long)Median(full.Select(i => (double)bytes[i - 1, stage])))];
        foreach (var identity in identities.Values)
        {
            identity.Dispose();
        }

        return new Sample(parameters.ToString(), serverTimes, serverTimes.Sum(), perClient, sent);
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    private sealed record Sample(string Parameters, double[] Server, double ServerTotal, double[] Client, long[] Bytes);
}
