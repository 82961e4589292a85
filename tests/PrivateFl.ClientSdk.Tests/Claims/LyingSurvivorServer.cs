using Google.Protobuf;
using Grpc.Core;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Crypto.SecAgg.Messages;
using PrivateFl.Protocol.V1;

namespace PrivateFl.ClientSdk.Tests.Claims;

/// <summary>
/// A server for one bank's round that answers its stage calls from the real sessions of every other participant, then
/// reports the survivor list it was given (as a malicious server may), and records whether the bank went on to sign or
/// unmask. Only unary calls are used by the SDK's round runner.
/// </summary>
internal sealed class LyingSurvivorServer : CallInvoker, IDisposable
{
    private readonly int _target;
    private readonly IReadOnlyList<int> _survivors;
    private readonly NeighbourGraph _graph;
    private readonly Dictionary<int, ClientSession> _others = [];
    private readonly Dictionary<int, AdvertisedKeys> _advertised = [];

    public LyingSurvivorServer(SecAggParameters parameters, int target, IReadOnlyList<int> survivors)
    {
        _target = target;
        _survivors = survivors;
        _graph = NeighbourGraph.Create(parameters);
        for (int i = 1; i <= parameters.ParticipantCount; i++)
        {
            if (i != target)
            {
                _others[i] = new ClientSession(parameters, i);
                _advertised[i] = _others[i].AdvertiseKeys();
            }
        }
    }

    /// <summary>Whether the bank sent a consistency signature or unmask shares after seeing the survivor list.</summary>
    public bool ContinuedAfterSurvivorList { get; private set; }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        object reply = request switch
        {
            AdvertiseKeysRequest advertise => AdvertiseKeys(advertise),
            ShareKeysRequest => ShareKeys(),
            MaskedInputRequest => new SurvivorListReply { Survivors = { _survivors.Select(s => (uint)s) } },
            ConsistencySignatureRequest or UnmaskRequest => Continued(),
            _ => throw new RpcException(new Status(StatusCode.Unimplemented, method.FullName)),
        };
        return new AsyncUnaryCall<TResponse>(Task.FromResult((TResponse)reply), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public void Dispose()
    {
        foreach (ClientSession session in _others.Values)
        {
            session.Dispose();
        }
    }

    private KeyDirectoryReply AdvertiseKeys(AdvertiseKeysRequest request)
    {
        _advertised[_target] = new AdvertisedKeys(_target, request.CipherPublicKey.ToByteArray(), request.MaskPublicKey.ToByteArray(), request.Signature.ToByteArray(), request.SelfMaskCommitment.ToByteArray());
        var reply = new KeyDirectoryReply();
        reply.Entries.Add(Directory(_target).Entries.Select(e => new AdvertisedKeysEntry
        {
            Index = (uint)e.Sender,
            CipherPublicKey = ByteString.CopyFrom(e.CipherPublicKey.Span),
            MaskPublicKey = ByteString.CopyFrom(e.MaskPublicKey.Span),
            Signature = ByteString.CopyFrom(e.Signature.Span),
            SelfMaskCommitment = ByteString.CopyFrom(e.SelfMaskCommitment.Span),
        }));
        return reply;
    }

    /// <summary>Every neighbour of the bank deals its shares (to its own neighbours, the bank among them); the bank gets its own.</summary>
    private ShareDeliveryReply ShareKeys()
    {
        var reply = new ShareDeliveryReply();
        foreach (int neighbour in _graph.NeighboursOf(_target))
        {
            EncryptedShare share = _others[neighbour].ShareKeys(Directory(neighbour)).Shares.Single(s => s.Recipient == _target);
            reply.Shares.Add(new EncryptedShareMessage
            {
                Sender = (uint)share.Sender,
                Recipient = (uint)share.Recipient,
                Ciphertext = ByteString.CopyFrom(share.Ciphertext.Span),
                Commitments = ByteString.CopyFrom(share.Commitments.Span),
                Signature = ByteString.CopyFrom(share.Signature.Span),
            });
        }

        return reply;
    }

    private KeyDirectory Directory(int recipient) => new([.. _graph.NeighboursOf(recipient).Order().Select(v => _advertised[v])]);

    private object Continued()
    {
        ContinuedAfterSurvivorList = true;
        throw new RpcException(new Status(StatusCode.Cancelled, "The test server ends the round here."));
    }
}
