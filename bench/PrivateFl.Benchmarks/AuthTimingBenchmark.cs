extern alias server;

using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;
using Middleware = server::PrivateFl.Server.Security.CallAuthenticationMiddleware;
using Opts = server::PrivateFl.Server.Options;
using Sec = server::PrivateFl.Server.Security;
using Store = server::PrivateFl.Server.Storage;

namespace PrivateFl.Benchmarks;

/// <summary>
/// How long the authentication middleware takes to refuse a call, by why it refuses: unknown id, revoked id, enrolled
/// id with a bad signature, and (for comparison, as an unknown id was refused before issue 10's second pass) a stale
/// timestamp refused from the headers alone. Since the signature covers the body hash header, none of the four reads
/// the body, so their times should not depend on its size (two sizes are run to show it). In-process over the real
/// SQLite store and Ed25519 verifier; the
/// conditions are interleaved in random order so that machine load falls on all alike. Prints median, 10th and 90th
/// percentile in microseconds per condition and body size.
/// </summary>
internal static class AuthTimingBenchmark
{
    private const string Method = "/privatefl.v1.Federation/SubmitMaskedInput";

    public static async Task RunAsync(string[] args)
    {
        int calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {calls} calls per condition and body size");
        string database = Path.Combine(Path.GetTempPath(), $"privatefl-authtiming-{Guid.NewGuid():n}.db");
        var options = new Opts.ServerOptions { AdminApiKey = "auth-timing-admin-key-0123456789" };
        var store = new Store.SqliteFederationStore(Microsoft.Extensions.Options.Options.Create(new Opts.StorageOptions { DatabasePath = database }));
        store.Migrate();
        using var bankKey = SigningKey.Generate();
        using var stranger = SigningKey.Generate();
        store.EnrollClient(new Store.EnrolledClient("bank-1", bankKey.PublicKey.ToArray(), false, 0));
        store.EnrollClient(new Store.EnrolledClient("bank-2", bankKey.PublicKey.ToArray(), false, 0));
        store.RevokeClient("bank-2");
        var limiter = new Sec.CallLimiter(Microsoft.Extensions.Options.Options.Create(options));
        var middleware = new Middleware(
            _ => Task.CompletedTask,
            store,
            Microsoft.Extensions.Options.Options.Create(options),
            new Sec.ReplayCache(store, TimeProvider.System),
            limiter,
            new Sec.Ed25519CallSignatureVerifier(),
            TimeProvider.System,
            NullLogger<Middleware>.Instance);
        string[] conditions = ["unknown", "revoked", "enrolled, bad signature", "stale timestamp (header-only refusal)"];
        try
        {
            foreach (int size in new[] { 16, 64 * 1024 })
            {
                byte[] message = RandomNumberGenerator.GetBytes(size);
                byte[] frame = new byte[5 + size];
                BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)size);
                message.CopyTo(frame, 5);
                var samples = conditions.Select(_ => new List<double>(calls)).ToArray();
                int[] order = [.. Enumerable.Range(0, calls * conditions.Length).Select(i => i % conditions.Length)];
                Random.Shared.Shuffle(order);
                for (int warm = 0; warm < 2_000; warm++)
                {
                    await InvokeAsync(middleware, frame, message, warm % conditions.Length, bankKey, stranger);
                }

                foreach (int condition in order)
                {
                    samples[condition].Add(await InvokeAsync(middleware, frame, message, condition, bankKey, stranger));
                }

                Console.WriteLine($"## body {size} bytes");
                for (int c = 0; c < conditions.Length; c++)
                {
                    double[] sorted = [.. samples[c].Order()];
                    Console.WriteLine($"{conditions[c],-40} median {sorted[sorted.Length / 2],8:F1} µs  p10 {sorted[sorted.Length / 10],8:F1}  p90 {sorted[sorted.Length * 9 / 10],8:F1}");
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string file in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static async Task<double> InvokeAsync(Middleware middleware, byte[] frame, byte[] message, int condition, SigningKey bankKey, SigningKey stranger)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = Method;
        context.Request.ContentType = "application/grpc";
        context.Request.Body = new MemoryStream(frame, writable: false);
        context.Response.Body = Stream.Null;
        string clientId = condition switch { 0 => "nobody-" + Random.Shared.Next(1_000_000).ToString(CultureInfo.InvariantCulture), 1 => "bank-2", _ => "bank-1" };
        long timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (condition == 3 ? 3_600_000 : 0);
        byte[] nonce = RandomNumberGenerator.GetBytes(CallSignature.NonceSize);
        SigningKey signer = condition == 2 ? stranger : bankKey;
        context.Request.Headers[CallSignature.ClientHeader] = clientId;
        context.Request.Headers[CallSignature.TimestampHeader] = timestamp.ToString(CultureInfo.InvariantCulture);
        context.Request.Headers[CallSignature.NonceHeader] = Convert.ToHexStringLower(nonce);
        context.Request.Headers[CallSignature.BodyHashHeader] = CallSignature.BodyHashHeaderValue(message);
        context.Request.Headers[CallSignature.SignatureHeader] = Convert.ToBase64String(signer.Sign(CallSignature.Payload(Method, clientId, timestamp, nonce, message)));
        long start = Stopwatch.GetTimestamp();
        await middleware.InvokeAsync(context);
        double micros = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        if (context.Response.Headers["grpc-status"] != "16")
        {
            throw new InvalidOperationException($"Condition {condition} was answered {context.Response.Headers["grpc-status"]}, not UNAUTHENTICATED.");
        }

        return micros;
    }
}
