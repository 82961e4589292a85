using System.Diagnostics;

namespace PrivateFl.RestHost;

/// <summary>Times <c>/fl_predict</c> and counts its answers by status and decision (<see cref="RestHostMetrics"/>).</summary>
internal sealed class PredictionMetricsFilter(RestHostMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        long started = Stopwatch.GetTimestamp();
        object? result = await next(context).ConfigureAwait(false);
        int status = result is IStatusCodeHttpResult { StatusCode: int code } ? code : StatusCodes.Status200OK;
        string? decision = result is IValueHttpResult { Value: PredictionResponse prediction } ? prediction.Label : null;
        metrics.Predicted(status, decision, Stopwatch.GetElapsedTime(started));
        return result;
    }
}
