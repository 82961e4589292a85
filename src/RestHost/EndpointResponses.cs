using Microsoft.AspNetCore.Mvc;

namespace PrivateFl.RestHost;

/// <summary>
/// Declares an endpoint's responses with their status, body type and a sentence saying when each occurs, so that the
/// OpenAPI document lists every answer the handler can give (ApiExplorer reads <see cref="ProducesResponseTypeAttribute"/>).
/// </summary>
internal static class EndpointResponses
{
    /// <summary>The media type of every refusal (RFC 9457).</summary>
    public const string ProblemJson = "application/problem+json";

    /// <summary>A response with a body of <typeparamref name="T"/>.</summary>
    public static RouteHandlerBuilder Responds<T>(this RouteHandlerBuilder builder, int statusCode, string description, string contentType = "application/json", params string[] additionalContentTypes) =>
        builder.WithMetadata(new ProducesResponseTypeAttribute(typeof(T), statusCode, contentType, additionalContentTypes) { Description = description });

    /// <summary>A refusal whose body is a problem document.</summary>
    public static RouteHandlerBuilder RespondsProblem(this RouteHandlerBuilder builder, int statusCode, string description) =>
        builder.Responds<ProblemDetails>(statusCode, description, ProblemJson);

    /// <summary>A refusal whose problem document names each bad field in <c>errors</c> (400, and 413/415, which name <c>body</c> or <c>Content-Type</c>).</summary>
    public static RouteHandlerBuilder RespondsFieldProblem(this RouteHandlerBuilder builder, int statusCode, string description) =>
        builder.Responds<HttpValidationProblemDetails>(statusCode, description, ProblemJson);

    /// <summary>The <c>413</c> and <c>415</c> of an endpoint that reads its fields with <see cref="RequestFields"/>.</summary>
    public static RouteHandlerBuilder RespondsBodyLimits(this RouteHandlerBuilder builder) =>
        builder
            .RespondsFieldProblem(StatusCodes.Status413PayloadTooLarge, "The body is larger than RestHostOptions:MaxRequestBodyBytes (64 KiB by default); `errors.body`.")
            .RespondsFieldProblem(StatusCodes.Status415UnsupportedMediaType, "The content type is neither JSON nor a form (application/x-www-form-urlencoded); `errors.Content-Type`.");
}
