using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace PrivateFl.Server.Security;

/// <summary>Answers a gRPC call from middleware, before gRPC runs: a trailers-only response carrying the status and its details.</summary>
internal static class GrpcRefusalWriter
{
    public static Task WriteAsync(HttpContext context, Google.Rpc.Status status)
    {
        HttpResponse response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = status.Code.ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(status.Message);
        response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
        return Task.CompletedTask;
    }

    // The gRPC over HTTP/2 spec: grpc-message is percent-encoded UTF-8, printable ASCII except '%' as is.
    private static string PercentEncode(string message)
    {
        var builder = new StringBuilder(message.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
