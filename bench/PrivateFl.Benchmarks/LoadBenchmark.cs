using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using PrivateFl.ClientSdk;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto.Encoding;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Protocol.V1;

namespace PrivateFl.Benchmarks;

/// <summary>
/// One round with N concurrent clients under the server's default settings (issue 10, "Load"): the server runs as
/// its own process with no round option overridden (30 s stage deadline, 2 s gather window, default call limits);
/// the session uses the demo's secure-aggregation settings (semi-honest, Harary graph, δ = 0.05, γ = 0). Reports the
/// server's own record of the round (outcome, stage times), the clients it included, and the server's peak RSS.
/// </summary>
internal static class LoadBenchmark
{
    private static int s_announced;
    private static int s_finished;

    public static async Task<int> RunAsync(string[] args)
    {
        int[] counts = args.Length > 0 ? [.. args.Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [200, 500, 1000, 2000, 4000];
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        int failures = 0;
        foreach (int clients in counts)
        {
            failures += await MeasureAsync(clients) ? 0 : 1;
        }

        return failures == 0 ? 0 : 1;
    }

    private static async Task<bool> MeasureAsync(int clientCount)
    {
        string database = Path.Combine(Path.GetTempPath(), $"privatefl-load-{Guid.NewGuid():n}.db");
        int port = EndToEndBenchmark.FreePort();
        using Process server = EndToEndBenchmark.StartServer(port, database, defaultRoundOptions: true);
        var address = new Uri($"http://127.0.0.1:{port}");
        try
        {
            using GrpcChannel adminChannel = GrpcChannel.ForAddress(address);
            var admin = new Admin.AdminClient(adminChannel);
            var headers = new Metadata { { "x-privatefl-admin-key", EndToEndBenchmark.AdminKey } };
            await EndToEndBenchmark.WaitUntilUpAsync(admin, headers);
            var keys = new SigningKey[clientCount];
            for (int i = 0; i < clientCount; i++)
            {
                keys[i] = SigningKey.Generate();
            }

            // Enrolment is set-up, not the measured round: a few calls at a time.
            await Parallel.ForEachAsync(Enumerable.Range(0, clientCount), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
                await admin.EnrollClientAsync(new EnrollClientRequest { ClientId = $"bank-{i:D5}", IdentityPublicKey = ByteString.CopyFrom(keys[i].PublicKey) }, headers, cancellationToken: token));

            int length = CreditSchemas.GermanCredit.EncodedLength + 1;
            string schemaHash = CreditSchemas.GermanCredit.Hash;
            await admin.CreateSessionAsync(
                new CreateSessionRequest
                {
                    SessionId = "load",
                    SchemaName = "load",
                    SchemaHash = schemaHash,
                    ModelLength = (uint)length,
                    TotalRounds = 1,
                    MinimumClients = (uint)clientCount,
                    MaximumClients = (uint)clientCount,
                    SecAgg = new SecAggSettings { Mode = Protocol.V1.SecAggMode.SemiHonest, Graph = Protocol.V1.NeighbourGraphKind.Harary, DropoutRate = 0.05, CorruptedFraction = 0 },
                    Training = new TrainingPlan { Rule = AggregationRule.FederatedAveraging, LocalEpochs = 1, LearningRate = 0.1, BatchSize = 1, ClipNorm = 1, QuantizationScale = 1 << 12, ServerLearningRate = 1, SamplingRate = 1 },
                    Privacy = new PrivacySettings { Mode = DpMode.None },
                },
                headers);

            var channels = new GrpcChannel[clientCount];
            var tasks = new Task<string?>[clientCount];
            var clock = Stopwatch.StartNew();
            s_announced = 0;
            s_finished = 0;
            using var progress = new Timer(_ => Console.WriteLine(Progress(server, clock.Elapsed)), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
            for (int i = 0; i < clientCount; i++)
            {
                int client = i;
                channels[i] = GrpcChannel.ForAddress(address);
                CallInvoker invoker = channels[i].CreateCallInvoker().Intercept(new CallSigningInterceptor($"bank-{client:D5}", keys[client], TimeProvider.System));
                tasks[i] = RunClientAsync(new Federation.FederationClient(invoker), $"bank-{client:D5}", keys[client], schemaHash, length);
            }

            string?[] errors = await Task.WhenAll(tasks);
            clock.Stop();
            await progress.DisposeAsync();
            ListRoundsReply records = await admin.ListRoundsAsync(new ListRoundsRequest { SessionId = "load" }, headers);
            string peak = File.ReadAllLines($"/proc/{server.Id}/status").First(l => l.StartsWith("VmHWM", StringComparison.Ordinal)).Split(':')[1].Trim();
            Console.WriteLine();
            Console.WriteLine($"## {clientCount} clients, d = {length}, Harary, default server settings");
            foreach (RoundRecord record in records.Rounds)
            {
                Console.WriteLine($"round {record.RoundNumber}: {record.RoundOutcome} {record.AbortReason} k = {record.Degree}, t = {record.Threshold}; included {record.Included.Count} of {record.Participants.Count}; open → close {record.EndedUnixMs - record.StartedUnixMs} ms");
                Console.WriteLine($"stages (ms): {string.Join(" | ", record.Stages.Select(s => $"{s.Stage} {s.Milliseconds:F0}"))}");
            }

            Console.WriteLine($"client failures: {errors.Count(e => e is not null)}{string.Concat(errors.Where(e => e is not null).GroupBy(e => e).Take(3).Select(g => $"; {g.Count()}× {g.Key}"))}");
            Console.WriteLine($"server peak RSS: {peak}; wall {clock.Elapsed.TotalSeconds:F1} s from the first WaitForRound");
            foreach (GrpcChannel channel in channels)
            {
                channel.Dispose();
            }

            foreach (SigningKey key in keys)
            {
                key.Dispose();
            }

            return records.Rounds.Count == 1 && records.Rounds[0].RoundOutcome == RoundOutcome.Completed;
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            foreach (string file in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Where the round is (clients announced, clients done) and what each process has used, for finding what is slow.</summary>
    private static string Progress(Process server, TimeSpan elapsed)
    {
        try
        {
            string[] stat = File.ReadAllText($"/proc/{server.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            double serverCpu = (long.Parse(stat[11], CultureInfo.InvariantCulture) + long.Parse(stat[12], CultureInfo.InvariantCulture)) / 100.0;
            string rss = File.ReadAllLines($"/proc/{server.Id}/status").First(l => l.StartsWith("VmRSS", StringComparison.Ordinal)).Split(':')[1].Trim();
            return $"  {elapsed.TotalSeconds,6:F0} s: {Volatile.Read(ref s_announced)} announced, {Volatile.Read(ref s_finished)} finished; server CPU {serverCpu:F1} s, RSS {rss}; bench CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}";
        }
        catch (IOException)
        {
            return "  (server gone)";
        }
    }

    private static async Task<string?> RunClientAsync(Federation.FederationClient federation, string clientId, SigningKey key, string schemaHash, int length)
    {
        try
        {
            RoundAnnouncement announcement = await federation.WaitForRoundAsync(new WaitForRoundRequest { ProtocolVersion = ProtocolVersion._1, SessionId = "load", SchemaHash = schemaHash });
            Interlocked.Increment(ref s_announced);
            (SecAggParameters parameters, Dictionary<int, ReadOnlyMemory<byte>> identityKeys) = AnnouncementValidator.Validate(announcement, "load", clientId, key.PublicKey, length);
            var random = new Random(clientId.GetHashCode(StringComparison.Ordinal));
            double[] update = [.. Enumerable.Range(0, length).Select(_ => (random.NextDouble() - 0.5) / Math.Sqrt(length))];
            uint[] encoded = new uint[length];
            new FixedPointQuantizer(1, 1 << 12, announcement.Participants.Count).Encode(update, encoded);
            await new RoundRunner(federation, key).RunAsync(announcement, parameters, identityKeys, encoded, CancellationToken.None);
            Interlocked.Increment(ref s_finished);
            return null;
        }
        catch (Exception ex) when (ex is RpcException or FederationException)
        {
            return ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message;
        }
    }
}
