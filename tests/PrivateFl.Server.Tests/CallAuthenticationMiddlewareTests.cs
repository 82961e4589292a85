using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using FsCheck.Xunit;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;
using PrivateFl.Server.Options;
using PrivateFl.Server.Security;
using PrivateFl.Server.Storage;

namespace PrivateFl.Server.Tests;

/// <summary>
/// The authentication middleware refuses what the headers already rule out before it reads a byte of the body
/// (issue 10, "Unauthenticated memory growth"), and verifies the signature over the message bytes as received.
/// </summary>
public sealed class CallAuthenticationMiddlewareTests : IDisposable
{
    private const string Method = "/privatefl.v1.Federation/SubmitMaskedInput";
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"privatefl-mw-{Guid.NewGuid():n}.db");
    private readonly SqliteFederationStore _store;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));
    private readonly ServerOptions _options = new() { AdminApiKey = "a-valid-admin-key-0123456789" };
    private readonly CallLimiter _limiter;
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly SigningKey _revokedKey = SigningKey.Generate();
    private int _nextCalls;

    public CallAuthenticationMiddlewareTests()
    {
        _store = new SqliteFederationStore(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DatabasePath = _databasePath }));
        _store.Migrate();
        _store.EnrollClient(new EnrolledClient("bank-1", _key.PublicKey.ToArray(), false, 0));
        _store.EnrollClient(new EnrolledClient("bank-2", _revokedKey.PublicKey.ToArray(), false, 0));
        _store.RevokeClient("bank-2");
        _limiter = new CallLimiter(Microsoft.Extensions.Options.Options.Create(_options));
    }

    public static TheoryData<string> RefusedFromHeaders => new() { "unknown", "revoked", "stale", "future", "badNonce", "badSignatureFormat", "missing", "clientBusy" };

    [Theory]
    [MemberData(nameof(RefusedFromHeaders))]
    public async Task Invoke_HeadersRuleTheCallOut_RefusedWithoutReadingTheBody(string variant)
    {
        var body = new UnreadableStream();
        DefaultHttpContext context = Context(body);
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Headers(context, variant switch { "unknown" => "nobody", "revoked" => "bank-2", _ => "bank-1" }, variant switch { "stale" => now - 400_000, "future" => now + 400_000, _ => now }, _key, [1, 2, 3]);
        switch (variant)
        {
            case "badNonce":
                context.Request.Headers[CallSignature.NonceHeader] = "zz" + new string('0', 30);
                break;
            case "badSignatureFormat":
                context.Request.Headers[CallSignature.SignatureHeader] = "not base64!";
                break;
            case "missing":
                context.Request.Headers.Remove(CallSignature.SignatureHeader);
                break;
            case "clientBusy":
                for (int i = 0; i < _options.MaxConcurrentCallsPerClient; i++)
                {
                    Assert.Null(_limiter.TryEnter("bank-1"));
                }

                break;
        }

        await Middleware().InvokeAsync(context);

        Assert.False(body.WasRead);
        Assert.Equal(0, _nextCalls);
        Assert.Equal(variant == "clientBusy" ? "8" : "16", context.Response.Headers["grpc-status"].ToString());
    }

    [Fact]
    public async Task Invoke_MessageLargerThanTheLimit_RefusedAfterReadingOnlyThePrefix()
    {
        byte[] prefix = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), (uint)_options.MaxMessageBytes + 1);
        var body = new CountingStream(prefix);
        DefaultHttpContext context = Context(body);
        Headers(context, "bank-1", _time.GetUtcNow().ToUnixTimeMilliseconds(), _key, []);

        await Middleware().InvokeAsync(context);

        Assert.Equal("8", context.Response.Headers["grpc-status"].ToString());
        Assert.Equal(0, _nextCalls);
        Assert.Equal(0, _limiter.BufferedBytes);
    }

    [Fact]
    public async Task Invoke_SignedOverTheReceivedBytes_HandsTheSameBytesOnAndReleasesTheLimits()
    {
        // vector_length = 0 written out, then round { session_id = "s1" }: out of field order, with a default value.
        byte[] message = Convert.FromHexString("1000" + "0A04" + "12027331");
        byte[] frame = Frame(message);
        DefaultHttpContext context = Context(new MemoryStream(frame));
        Headers(context, "bank-1", _time.GetUtcNow().ToUnixTimeMilliseconds(), _key, message);
        byte[]? seen = null;

        await Middleware(async c =>
        {
            using var copy = new MemoryStream();
            await c.Request.Body.CopyToAsync(copy);
            seen = copy.ToArray();
            Assert.Equal("bank-1", c.Features.Get<AuthenticatedClientFeature>()?.ClientId);
        }).InvokeAsync(context);

        Assert.Equal(frame, seen);
        Assert.Equal(0, _limiter.Calls);
        Assert.Equal(0, _limiter.BufferedBytes);
    }

    /// <summary>Any bytes, correctly signed: either handed on unchanged (valid protobuf) or INVALID_ARGUMENT; never an exception, never a leak of the limits.</summary>
    [Property(MaxTest = 300)]
    public bool Invoke_AnyMessageBytesCorrectlySigned_HandedOnOrInvalidArgument(byte[] message)
    {
        DefaultHttpContext context = Context(new MemoryStream(Frame(message)));
        Headers(context, "bank-1", _time.GetUtcNow().ToUnixTimeMilliseconds(), _key, message);
        int before = _nextCalls;

        Middleware().InvokeAsync(context).GetAwaiter().GetResult();

        bool parses;
        try
        {
            MaskedInputRequest.Parser.ParseFrom(message);
            parses = true;
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or ArgumentException)
        {
            parses = false;
        }

        bool answered = parses ? _nextCalls == before + 1 && !context.Response.Headers.ContainsKey("grpc-status") : _nextCalls == before && context.Response.Headers["grpc-status"] == "3";
        return answered && _limiter.Calls == 0 && _limiter.BufferedBytes == 0;
    }

    public void Dispose()
    {
        _key.Dispose();
        _revokedKey.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }

    private CallAuthenticationMiddleware Middleware(RequestDelegate? next = null) =>
        new(
            next ?? (_ => { Interlocked.Increment(ref _nextCalls); return Task.CompletedTask; }),
            _store,
            Microsoft.Extensions.Options.Options.Create(_options),
            new ReplayCache(_store, _time),
            _limiter,
            _time,
            NullLogger<CallAuthenticationMiddleware>.Instance);

    private static DefaultHttpContext Context(Stream body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = Method;
        context.Request.ContentType = "application/grpc";
        context.Request.Body = body;
        return context;
    }

    private static void Headers(HttpContext context, string clientId, long timestamp, SigningKey key, byte[] message)
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(CallSignature.NonceSize);
        context.Request.Headers[CallSignature.ClientHeader] = clientId;
        context.Request.Headers[CallSignature.TimestampHeader] = timestamp.ToString(CultureInfo.InvariantCulture);
        context.Request.Headers[CallSignature.NonceHeader] = Convert.ToHexStringLower(nonce);
        context.Request.Headers[CallSignature.SignatureHeader] = Convert.ToBase64String(key.Sign(CallSignature.Payload(Method, clientId, timestamp, nonce, message)));
    }

    private static byte[] Frame(byte[] message)
    {
        byte[] frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>A body that records any attempt to read it.</summary>
    private sealed class UnreadableStream : Stream
    {
        public bool WasRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            WasRead = true;
            return 0;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WasRead = true;
            return ValueTask.FromResult(0);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A body of a given prefix followed by an endless stream of zeros, to show only the prefix is needed.</summary>
    private sealed class CountingStream(byte[] prefix) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(count, 4096);
            for (int i = 0; i < n; i++)
            {
                buffer[offset + i] = _position + i < prefix.Length ? prefix[_position + i] : (byte)0;
            }

            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
