extern alias server;

using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.TestingHost;
using PrivateFl.Cluster.Rounds;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using server::PrivateFl.Server.Coordination;
using server::PrivateFl.Server.Grains;
using server::PrivateFl.Server.Options;
using server::PrivateFl.Server.Storage;
using OptionsFactory = Microsoft.Extensions.Options.Options;

namespace PrivateFl.Benchmarks;

/// <summary>
/// Issue 13's scale-out benchmark: one round with N banks on 1 or 3 Orleans silos (the in-process TestingHost cluster,
/// each silo with its own front end, as tests/PrivateFl.Cluster.Tests), the banks driven directly against each silo's
/// <see cref="TrainingCoordinator"/> with the real <see cref="ClientSession"/> state machine (no gRPC). Each
/// configuration runs in a child process of its own, so its peak RSS and its CPU time are its own.
/// </summary>
/// <remarks>
/// Server-side CPU = the process's CPU time during the round − the CPU time the banks' <see cref="ClientSession"/> calls
/// took on their threads (CLOCK_THREAD_CPUTIME_ID around each call; the client state machine is single-threaded). What
/// remains is the front ends, the grains, the store, Orleans and the GC (the banks' garbage included). Every bank sends
/// the same update, encoded once per cohort size (its encoding is not server work); masking, key agreement and
/// sharing are done by each bank for real, so each masked input is different and the server unmasks real masks.
/// </remarks>
internal static class ScaleOutBenchmark
{
    private const string SessionId = "scaleout";
    private const double Scale = 1 << 16;

    // dotnet run -c Release --project bench/PrivateFl.Benchmarks -- scaleout [banks...] [--silos 1,3] [--d 33,100000] [--cohort 500]
    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "one")
        {
            return RunOneAsync(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture)).GetAwaiter().GetResult();
        }

        var banks = new List<int>();
        int[] silos = [1, 3];
        int[] lengths = [33, 100_000];
        int cohort = 500;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--silos": silos = Ints(args[++i]); break;
                case "--d": lengths = Ints(args[++i]); break;
                case "--cohort": cohort = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: banks.Add(int.Parse(args[i], CultureInfo.InvariantCulture)); break;
            }
        }

        if (banks.Count == 0)
        {
            banks = [1_000, 2_000, 5_000, 10_000];
        }

        Console.WriteLine($"{Environment.ProcessorCount} cores, {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; cohorts of at most {cohort}");
        Console.WriteLine("| d | Banks | Silos | Cohorts | Outcome | Round (record) | Wall | Process CPU | Client CPU | Server CPU | Server CPU per bank | Cross-silo bytes (Orleans) | Reports to a remote round grain | Peak RSS (process) | Managed heap after |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        int failures = 0;
        foreach (int d in lengths)
        {
            foreach (int n in banks)
            {
                foreach (int s in silos)
                {
                    // Under `dotnet run` this process is the app host, which takes no assembly argument; under `dotnet x.dll` it is the muxer.
                    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
                    if (string.Equals(Path.GetFileNameWithoutExtension(Environment.ProcessPath), "dotnet", StringComparison.Ordinal))
                    {
                        start.ArgumentList.Add(typeof(ScaleOutBenchmark).Assembly.Location);
                    }

                    foreach (string argument in new[] { "scaleout", "one", s.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture), d.ToString(CultureInfo.InvariantCulture), cohort.ToString(CultureInfo.InvariantCulture) })
                    {
                        start.ArgumentList.Add(argument);
                    }

                    using var child = Process.Start(start)!;
                    string output = child.StandardOutput.ReadToEnd();
                    child.WaitForExit();
                    Console.Write(output);
                    failures += child.ExitCode == 0 ? 0 : 1;
                }
            }
        }

        return failures == 0 ? 0 : 1;
    }

    private static int[] Ints(string list) => [.. list.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))];

    private static async Task<int> RunOneAsync(int siloCount, int bankCount, int length, int cohortSize)
    {
        string database = Path.Combine(Path.GetTempPath(), $"privatefl-scaleout-{Guid.NewGuid():n}.db");
        long crossSiloBytes = 0;
        using var listener = new MeterListener();
        bool counting = false;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "orleans-messaging-sent-messages-size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            if (Volatile.Read(ref counting))
            {
                Interlocked.Add(ref crossSiloBytes, value);
            }
        });
        listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            if (Volatile.Read(ref counting))
            {
                Interlocked.Add(ref crossSiloBytes, value);
            }
        });
        listener.Start();

        var reports = new ReportLog();
        var builder = new InProcessTestClusterBuilder((short)siloCount);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(PrivateFl.Cluster.ISiloProbeGrain).Assembly).AddAssembly(typeof(server::PrivateFl.Server.PrivateFlServerApplication).Assembly));
            AddFrontEnd(silo.Services, database, reports);
        });
        builder.ConfigureClient(client => client.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(PrivateFl.Cluster.ISiloProbeGrain).Assembly)));
        InProcessTestCluster cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            IServiceProvider Silo(int index) => cluster.GetSiloServiceProvider(cluster.Silos[index].SiloAddress);
            IFederationStore store = Silo(0).GetRequiredService<IFederationStore>();
            await store.MigrateAsync(CancellationToken.None);
            SessionDefinition definition = CreateDefinition(bankCount, length, cohortSize);
            _ = await Silo(0).GetRequiredService<SessionRegistry>().CreateAsync(definition, new double[length], CancellationToken.None) ?? throw new InvalidOperationException("The session was not created.");

            // Enrolment is set-up: banks in turn over the silos (bank i on silo i mod s).
            var banks = new (string Id, int Silo)[bankCount];
            for (int i = 0; i < bankCount; i++)
            {
                using var key = SigningKey.Generate();
                banks[i] = ($"bank-{i:D6}", i % siloCount);
                _ = await store.EnrollClientAsync(new EnrolledClient(banks[i].Id, key.PublicKey.ToArray(), false, 0), CancellationToken.None);
            }

            TrainingCoordinator[] frontEnds = [.. Enumerable.Range(0, siloCount).Select(s => Silo(s).GetRequiredService<TrainingCoordinator>())];
            foreach (TrainingCoordinator frontEnd in frontEnds)
            {
                _ = await frontEnd.SessionAsync(SessionId, CancellationToken.None);
            }

            // One update for every bank, on the quantization grid so that the released sum is exact.
            double[] delta = [.. Enumerable.Range(0, length).Select(j => ((j % 17) - 8) / Scale)];
            var encodings = new System.Collections.Concurrent.ConcurrentDictionary<int, uint[]>();
            var clientCpu = new long[1];
            GC.Collect();
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            TimeSpan cpuBefore = process.TotalProcessorTime;
            Volatile.Write(ref counting, true);
            long started = Stopwatch.GetTimestamp();

            // The waits are entered from this thread, so every bank waits before a front end's gather window ends.
            var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            Task<RoundOutcome?>[] runs = [.. banks.Select(b => CatchAsync(RunBankAsync(frontEnds[b.Silo], b.Id, definition, delta, encodings, clientCpu), failures))];
            RoundOutcome?[] outcomes = await Task.WhenAll(runs);
            TimeSpan wall = Stopwatch.GetElapsedTime(started);
            Volatile.Write(ref counting, false);
            process.Refresh();
            TimeSpan processCpu = process.TotalProcessorTime - cpuBefore;
            TimeSpan client = TimeSpan.FromTicks(Interlocked.Read(ref clientCpu[0]) / 100);
            TimeSpan serverCpu = processCpu - client;

            foreach ((string failure, int count) in failures)
            {
                Console.Error.WriteLine($"{count} banks: {failure}");
            }

            // The round grain may still be writing its record when every bank has learnt the outcome.
            IReadOnlyList<RoundRecordData> rounds = await store.ListRoundsAsync(SessionId, CancellationToken.None);
            for (int wait = 0; rounds.Count == 0 && wait < 60; wait++)
            {
                await Task.Delay(1000);
                rounds = await store.ListRoundsAsync(SessionId, CancellationToken.None);
            }

            if (rounds.Count == 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {length:N0} | {bankCount:N0} | {siloCount} | – | no round recorded ({failures.Sum(f => f.Value)} banks failed) | – | {wall.TotalSeconds:F2} s | {processCpu.TotalSeconds:F1} s | {client.TotalSeconds:F1} s | – | – | {Interlocked.Read(ref crossSiloBytes):N0} | – | {Rss().PeakKb / 1024:N0} MiB | – |"));
                return 1;
            }

            RoundRecordData record = rounds[0];
            ModelVersionRecord model = (await store.FindLatestModelAsync(SessionId, CancellationToken.None))!;
            int included = record.Included.Count;
            double[] sum = [.. delta.Select(v => v * included)];
            bool exact = model.Weights.AsSpan().SequenceEqual(ModelUpdater.Apply(new double[length], sum, included, definition.Training));
            int cohorts = record.Stages.Select(s => s.Stage[..Math.Max(0, s.Stage.LastIndexOf('/'))]).Distinct().Count();
            bool complete = record.Outcome == RoundOutcomeKind.Completed && record.Included.Count == bankCount && outcomes.All(o => o?.ModelVersion == 1) && exact;

            (long peakKb, long rssKb) = Rss();
            long heap = GC.GetTotalMemory(forceFullCollection: true);
            string remote = await reports.DescribeAsync(cluster);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {length:N0} | {bankCount:N0} | {siloCount} | {cohorts} | {(complete ? "completed, exact sum" : $"{record.Outcome}, {record.Included.Count} included, exact={exact}")} | {(record.EndedUnixMs - record.StartedUnixMs) / 1000.0:F2} s | {wall.TotalSeconds:F2} s | {processCpu.TotalSeconds:F1} s | {client.TotalSeconds:F1} s | {serverCpu.TotalSeconds:F1} s | {serverCpu.TotalMilliseconds / bankCount:F2} ms | {Interlocked.Read(ref crossSiloBytes):N0} | {remote} | {peakKb / 1024:N0} MiB | {heap / (1 << 20):N0} MiB |"));
            return complete ? 0 : 1;
        }
        finally
        {
            await cluster.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string file in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static SessionDefinition CreateDefinition(int banks, int length, int cohortSize) => new(
        SessionId,
        "scaleout-schema",
        new string('a', 64),
        "logistic-regression",
        length,
        5,
        3,
        banks,
        new SecAggSettingsData(SecAggMode.SemiHonest, NeighbourGraphKind.Harary, 0.05, 0, 40, 20),
        new TrainingPlanData(AggregationRuleKind.FederatedAveraging, 1, 0.1, 0, 32, 1.0, Scale, 1.0, 1.0),
        new PrivacySettingsData(DpModeKind.None, 0, 0, 0),
        0,
        Cohorts: new CohortSettingsData(cohortSize, Math.Min(100, cohortSize), 1));

    private static void AddFrontEnd(IServiceCollection services, string database, ReportLog reports)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(OptionsFactory.Create(new StorageOptions { DatabasePath = database }));

        // Deadlines far beyond the round: the benchmark measures work, not who misses a deadline on two loaded cores.
        services.AddSingleton(OptionsFactory.Create(new RoundOptions { MinimumClients = 3, GatherWindow = TimeSpan.FromSeconds(2), CohortFormationWindow = TimeSpan.FromSeconds(3), StageDeadline = TimeSpan.FromMinutes(20) }));
        services.AddSingleton<IFederationStore, SqliteFederationStore>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<RoundReleaser>();
        services.AddSingleton<IRoundCoordination>(p => new MeasuredCoordination(
            new GrainRoundCoordination(p.GetRequiredService<IGrainFactory>(), p.GetRequiredService<ILocalSiloDetails>(), p.GetRequiredService<IFederationStore>(), p.GetRequiredService<IClusterMembershipService>()),
            p.GetRequiredService<Serializer>(),
            reports));
        services.AddSingleton<RoundOpener>();
        services.AddSingleton<TrainingCoordinator>();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
    }

    // A bank whose round or cohort aborted is counted by why, and the run goes on: the table shows who was included.
    private static async Task<RoundOutcome?> CatchAsync(Task<RoundOutcome> run, System.Collections.Concurrent.ConcurrentDictionary<string, int> failures)
    {
        try
        {
            return await run;
        }
        catch (Exception ex)
        {
            failures.AddOrUpdate($"{ex.GetType().Name}: {ex.Message}", 1, (_, n) => n + 1);
            return null;
        }
    }

    private static async Task<RoundOutcome> RunBankAsync(TrainingCoordinator coordinator, string clientId, SessionDefinition definition, double[] delta, System.Collections.Concurrent.ConcurrentDictionary<int, uint[]> encodings, long[] clientCpu)
    {
        RoundTicket ticket = await coordinator.WaitForRoundAsync(SessionId, clientId, definition.SchemaHash, CancellationToken.None);
        await Task.Yield();
        using var session = new ClientSession(ticket.Parameters, ticket.Index);

        // The encoding depends only on the cohort's size (its headroom); every bank of a cohort of that size sends the same.
        uint[] encoded = encodings.GetOrAdd(ticket.Participants.Count, n =>
        {
            uint[] e = new uint[delta.Length];
            UpdateEncoding.Quantizer(definition.Training, n).Encode(delta, e);
            return e;
        });
        AdvertisedKeys keys = await TimedAsync(clientCpu, session.AdvertiseKeys);
        KeyDirectory directory = await coordinator.AdvertiseKeysAsync(SessionId, ticket.RoundNumber, clientId, keys, CancellationToken.None);
        IReadOnlyList<EncryptedShare> shares = await TimedAsync(clientCpu, () => session.ShareKeys(directory).Shares);
        ShareDelivery delivery = await coordinator.ShareKeysAsync(SessionId, ticket.RoundNumber, clientId, shares, CancellationToken.None);
        SurvivorList survivors = await await MaskAndSubmitAsync(coordinator, clientId, ticket.RoundNumber, session, delivery, encoded, clientCpu);
        UnmaskShares unmask = await TimedAsync(clientCpu, () => session.Unmask(survivors));
        UnmaskReply reply = await coordinator.UnmaskAsync(SessionId, ticket.RoundNumber, clientId, unmask.Shares, unmask.PairPoints ?? [], CancellationToken.None);
        return reply.Outcome ?? await coordinator.ExpelAsync(SessionId, ticket.RoundNumber, clientId, session.Expel(reply.Expulsion!).PairPoints, CancellationToken.None);
    }

    // Not async: the bank's masked vector goes to the front end as the array the session wrote (no copy on the bank's
    // side) and is not held by the bank while it waits for the survivors; a bank that has sent its input keeps nothing
    // of it (as over gRPC), so the process's memory is the server's copy.
    private static async Task<Task<SurvivorList>> MaskAndSubmitAsync(TrainingCoordinator coordinator, string clientId, long roundNumber, ClientSession session, ShareDelivery delivery, uint[] encoded, long[] clientCpu) =>
        Submit(coordinator, clientId, roundNumber, await TimedAsync(clientCpu, () => session.MaskInput(delivery, encoded)));

    private static Task<SurvivorList> Submit(TrainingCoordinator coordinator, string clientId, long roundNumber, MaskedInput masked)
    {
        uint[] vector = MemoryMarshal.TryGetArray(masked.Vector, out ArraySegment<uint> segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length ? segment.Array : masked.Vector.ToArray();
        return coordinator.SubmitMaskedInputAsync(SessionId, roundNumber, clientId, vector, masked.Complaints ?? [], CancellationToken.None);
    }

    // The banks' cryptography runs at most one step per core at a time. The simulated banks share the thread pool the
    // silos run on; 10,000 of them computing at once queued thousands of work items ahead of the grains' messages, and
    // grain calls timed out for want of a thread (in production the banks are other machines).
    private static readonly SemaphoreSlim s_clientSlots = new(Environment.ProcessorCount);

    private static async Task<T> TimedAsync<T>(long[] clientCpu, Func<T> step)
    {
        await s_clientSlots.WaitAsync().ConfigureAwait(false);
        try
        {
            long before = ThreadCpuNanoseconds();
            T result = step();
            Interlocked.Add(ref clientCpu[0], ThreadCpuNanoseconds() - before);
            return result;
        }
        finally
        {
            s_clientSlots.Release();
        }
    }

    private static long ThreadCpuNanoseconds()
    {
        const int ClockThreadCpuTimeId = 3;
        return clock_gettime(ClockThreadCpuTimeId, out Timespec t) == 0 ? (t.Seconds * 1_000_000_000L) + t.Nanoseconds : 0;
    }

    private static (long PeakKb, long RssKb) Rss()
    {
        long peak = 0, rss = 0;
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return (peak, rss);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clockId, out Timespec time);

    /// <summary>Every front end's report to the round grain: its serialized size and its front end.</summary>
    private sealed class ReportLog
    {
        private readonly List<(string FrontEnd, int Bytes, int Sums)> _reports = [];

        public void Add(string frontEnd, int bytes, int sums)
        {
            lock (_reports)
            {
                _reports.Add((frontEnd, bytes, sums));
            }
        }

        // A report crosses silos unless its front end is on the round grain's silo (found from the cluster's activations).
        public async Task<string> DescribeAsync(InProcessTestCluster cluster)
        {
            DetailedGrainStatistic[] grains = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
            string? host = grains.FirstOrDefault(g => g.GrainId.Type.ToString() == "round")?.SiloAddress.ToParsableString();
            lock (_reports)
            {
                var remote = _reports.Where(r => r.FrontEnd != host).ToList();
                return string.Create(CultureInfo.InvariantCulture, $"{remote.Count} of {_reports.Count} ({remote.Sum(r => (long)r.Bytes):N0} of {_reports.Sum(r => (long)r.Bytes):N0} B; {remote.Sum(r => r.Sums)} of {_reports.Sum(r => r.Sums)} cohort sums)");
            }
        }
    }

    /// <summary>The grain coordination of a front end, with the size of what it reports to the round grain.</summary>
    private sealed class MeasuredCoordination(GrainRoundCoordination inner, Serializer serializer, ReportLog log) : IRoundCoordination
    {
        public string FrontEnd => inner.FrontEnd;

        public Task<RoundSlot> JoinAsync(SessionRuntime session) => inner.JoinAsync(session);

        public Task AbandonAsync(SessionRuntime session, RoundSlot slot) => inner.AbandonAsync(session, slot);

        public int CohortsToForm(SessionDefinition definition) => inner.CohortsToForm(definition);

        public Task<int> ReserveBudgetAsync(SessionRuntime session, RoundSlot slot, int cohorts) => inner.ReserveBudgetAsync(session, slot, cohorts);

        public Task<RoundRelease> EndAsync(SessionRuntime session, RoundSlot slot, FrontEndReport report)
        {
            log.Add(FrontEnd, serializer.SerializeToArray(report).Length, report.Released.Length);
            return inner.EndAsync(session, slot, report);
        }
    }
}
