using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace PrivateFl.Simulation;

/// <summary>
/// Makes a demo bank drop out of the rounds its schedule names, after ShareKeys: its SubmitMaskedInput call of such a
/// round fails before it is sent, as if the bank had crashed, and the SDK joins the next round as a real bank would. It
/// uses only the SDK's public interceptor option.
/// </summary>
internal sealed class ScheduledDropouts(Func<long, bool> dropsIn) : Interceptor
{
    private const string DroppedMethod = "SubmitMaskedInput";

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (context.Method.Name == DroppedMethod && request is IMessage message && dropsIn(RoundNumber(message)))
        {
            var dropped = new RpcException(new Status(StatusCode.Unavailable, "The demo bank drops out of this round before sending its masked input."));
            return new AsyncUnaryCall<TResponse>(Task.FromException<TResponse>(dropped), Task.FromResult(new Metadata()), () => dropped.Status, () => [], () => { });
        }

        return continuation(request, context);
    }

    // The request's round.round_number (specs/proto/privatefl/v1/federation.proto), read through protobuf reflection: the
    // message instance is the SDK's own type, which the demo does not see.
    private static long RoundNumber(IMessage request)
    {
        MessageDescriptor descriptor = request.Descriptor;
        return descriptor.FindFieldByName("round")?.Accessor.GetValue(request) is IMessage round
            && round.Descriptor.FindFieldByName("round_number")?.Accessor.GetValue(round) is long number
            ? number
            : 0;
    }
}
