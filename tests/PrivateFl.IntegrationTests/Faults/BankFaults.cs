using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests.Faults;

/// <summary>
/// Faults a test bank injects into its own gRPC calls through <see cref="ClientSdk.FederatedClientOptions.Interceptors"/>,
/// as a crashed or corrupted bank would: the shipped client runs unchanged, and the server sees only what a real such
/// bank would send (or not send).
/// </summary>
internal sealed class BankFaults : Interceptor
{
    private RoundAnnouncement? _announcement;
    private KeyDirectoryReply? _directory;

    /// <summary>Gets the stage whose call the bank never makes: it drops out before it (the call fails locally, unsent).</summary>
    public RoundStage? DropBefore { get; init; }

    /// <summary>Gets what the bank does when it drops out, for example cancel its own training as a crash would.</summary>
    public Action? OnDrop { get; init; }

    /// <summary>
    /// Gets a rewrite of the bank's outgoing shares before the call is signed, given the round's identity and the key
    /// directory the server returned (a corrupted bank that re-signs what it sends).
    /// </summary>
    public Action<ShareKeysRequest, RoundIdentity, KeyDirectoryReply>? RewriteShares { get; init; }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (DropBefore is { } stage && StageOf(request) == stage)
        {
            OnDrop?.Invoke();
            var dropped = new RpcException(new Status(StatusCode.Unavailable, $"Injected fault: the bank drops out before {stage}."));
            return new AsyncUnaryCall<TResponse>(Task.FromException<TResponse>(dropped), Task.FromResult(new Metadata()), () => dropped.Status, () => [], () => { });
        }

        if (request is ShareKeysRequest shares && RewriteShares is not null)
        {
            RoundAnnouncement announcement = _announcement ?? throw new InvalidOperationException("ShareKeys before any announcement.");
            RewriteShares(shares, new RoundIdentity(announcement.SessionId, announcement.RoundNumber, announcement.GraphSeed.Span), _directory ?? throw new InvalidOperationException("ShareKeys before the key directory."));
        }

        AsyncUnaryCall<TResponse> call = continuation(request, context);
        return new AsyncUnaryCall<TResponse>(Observe(call.ResponseAsync), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private static RoundStage? StageOf(object request) => request switch
    {
        AdvertiseKeysRequest => RoundStage.AdvertiseKeys,
        ShareKeysRequest => RoundStage.ShareKeys,
        MaskedInputRequest => RoundStage.MaskedInput,
        ConsistencySignatureRequest => RoundStage.ConsistencyCheck,
        UnmaskRequest => RoundStage.Unmask,
        ExpelRequest => RoundStage.Expel,
        _ => null,
    };

    private async Task<TResponse> Observe<TResponse>(Task<TResponse> response)
    {
        TResponse reply = await response.ConfigureAwait(false);
        switch (reply)
        {
            case RoundAnnouncement announcement:
                _announcement = announcement;
                break;
            case KeyDirectoryReply directory:
                _directory = directory;
                break;
        }

        return reply;
    }

    /// <summary>The proto form of a share the bank deals, as the SDK sends it.</summary>
    public static EncryptedShareMessage ToProto(Crypto.SecAgg.Messages.EncryptedShare share) => new()
    {
        Sender = (uint)share.Sender,
        Recipient = (uint)share.Recipient,
        Ciphertext = ByteString.CopyFrom(share.Ciphertext.Span),
        Commitments = ByteString.CopyFrom(share.Commitments.Span),
        Signature = ByteString.CopyFrom(share.Signature.Span),
    };
}
