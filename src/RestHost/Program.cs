using System.Security.Cryptography;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PrivateFl.ClientSdk;
using PrivateFl.RestHost;
using Scalar.AspNetCore;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.AddOptions<RestHostOptions>().BindConfiguration(nameof(RestHostOptions)).Validate(o => !string.IsNullOrWhiteSpace(o.DataRoot) && !string.IsNullOrWhiteSpace(o.SessionId), "RestHostOptions:DataRoot and RestHostOptions:SessionId must be set.").ValidateOnStart();
builder.Services.AddOptions<CreditPredictorOptions>().BindConfiguration(nameof(CreditPredictorOptions));
builder.Services.AddPrivateFlClient();
builder.Services.AddOptions<FederatedClientOptions>().ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ModelCache>();
builder.Services.AddSingleton<TrainingJobs>();
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("server-and-model", tags: ["ready"]);

WebApplication app = builder.Build();
app.UseExceptionHandler();
app.MapOpenApi();
app.MapScalarApiReference("/docs");
app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

// Routing matches "/fl_train" and "/fl_train/" alike, so the original clients' trailing slash keeps working.
app.MapPost("/fl_train", TrainAsync)
    .WithName("Train")
    .WithSummary("Train on a data set of the host's data folder, in the federation's secure rounds.")
    .Accepts<TrainRequest>("application/json", "application/x-www-form-urlencoded")
    .DisableAntiforgery();

app.MapGet("/fl_train/{id:guid}", (Guid id, TrainingJobs jobs) =>
        jobs.Find(id) is { } job ? Results.Ok(job) : Results.Problem(statusCode: 404, title: "No such training job.", detail: $"Training job {id} does not exist."))
    .WithName("TrainingJob")
    .WithSummary("The status, progress and report of a training job.");

app.MapPost("/fl_predict", PredictAsync)
    .WithName("Predict")
    .WithSummary("Score an applicant with the locally cached global model; the applicant never leaves the host.")
    .Accepts<PredictRequest>("application/json", "application/x-www-form-urlencoded")
    .DisableAntiforgery();

app.Run();

static async Task<IResult> TrainAsync(HttpContext context, IOptions<RestHostOptions> options, TrainingJobs jobs, bool? wait, CancellationToken cancellationToken)
{
    string apiKey = options.Value.ApiKey;
    if (!string.IsNullOrEmpty(apiKey))
    {
        byte[] expected = System.Text.Encoding.UTF8.GetBytes(apiKey);
        byte[] presented = System.Text.Encoding.UTF8.GetBytes(context.Request.Headers["X-Api-Key"].ToString());
        if (expected.Length != presented.Length || !CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return Results.Problem(statusCode: 401, title: "Unauthorized.", detail: "Training requires the API key in the X-Api-Key header.");
        }
    }

    (Dictionary<string, string?>? fields, string? bodyError) = await RequestFields.ReadAsync(context.Request, cancellationToken);
    if (fields is null)
    {
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [bodyError!] });
    }

    (string? path, string? pathError) = DatasetPathResolver.Resolve(options.Value.DataRoot, fields.GetValueOrDefault("addr"));
    if (path is null)
    {
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["addr"] = [pathError!] });
    }

    CreditDataset data;
    try
    {
        data = DatasetLoader.LoadCsv(path, CreditSchemas.GermanCredit);
    }
    catch (DatasetValidationException ex)
    {
        var errors = new Dictionary<string, string[]> { ["addr"] = [$"The data set does not fit the session's schema '{CreditSchemas.GermanCredit.Name}': {ex.Problems.Count} problems."] };
        foreach (IGrouping<string, DataProblem> group in ex.Problems.GroupBy(p => p.Row > 0 ? $"row {p.Row}" + (p.Column is null ? string.Empty : $", {p.Column}") : p.Column ?? "file"))
        {
            errors[group.Key] = [.. group.Select(p => p.Value is null ? p.Reason : $"{p.Reason} (value '{p.Value}')")];
        }

        return TypedResults.ValidationProblem(errors, title: "The data set does not fit the schema.");
    }

    TrainingJob? job = jobs.TryStart(Path.GetFileName(path), data);
    if (job is null)
    {
        return Results.Problem(statusCode: 409, title: "Training is already running.", detail: "This host takes part in one training at a time; follow the running job.");
    }

    if (wait == true)
    {
        await job.Completion.WaitAsync(cancellationToken);
        return job.Status == "succeeded" ? Results.Ok(job.Report) : Results.Problem(statusCode: 502, title: "Training failed.", detail: job.Message);
    }

    return Results.Accepted($"/fl_train/{job.Id}", job);
}

static async Task<IResult> PredictAsync(HttpContext context, ModelCache models, CancellationToken cancellationToken)
{
    (Dictionary<string, string?>? fields, string? bodyError) = await RequestFields.ReadAsync(context.Request, cancellationToken);
    if (fields is null)
    {
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [bodyError!] });
    }

    (CreditApplicant applicant, Dictionary<string, string[]> errors, List<string> assumptions) = ApplicantParser.Parse(fields);
    (GlobalModel Model, CreditPredictor Predictor)? current;
    try
    {
        current = await models.GetAsync(cancellationToken);
    }
    catch (FederationException ex)
    {
        return Results.Problem(statusCode: 503, title: "No model yet.", detail: $"The host has no global model cached and cannot reach the aggregation server: {ex.Message}");
    }

    if (current is null)
    {
        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : Results.Problem(statusCode: 503, title: "No model yet.", detail: "The federation has not trained a model yet: run /fl_train first.");
    }

    foreach ((string member, string[] messages) in current.Value.Predictor.Validate(applicant))
    {
        string field = ApplicantParser.FieldOf.GetValueOrDefault(member, member);
        if (!errors.ContainsKey(field))
        {
            errors[field] = messages;
        }
    }

    if (errors.Count > 0)
    {
        return TypedResults.ValidationProblem(errors);
    }

    CreditPrediction prediction = current.Value.Predictor.Predict(applicant);
    GlobalModel model = current.Value.Model;
    return Results.Ok(new PredictionResponse(
        prediction.ProbabilityGood,
        prediction.ProbabilityOfDefault,
        prediction.Label,
        Math.Round(prediction.Score, 1),
        [.. prediction.Reasons.Select(r => new ReasonView(r.Column, r.Value, Math.Round(r.PointsLost, 2)))],
        model.Version,
        model.EpsilonSpent,
        model.Delta,
        assumptions));
}

/// <summary>The <c>/fl_train</c> body (JSON or form).</summary>
/// <param name="Addr">The name of a CSV data set in the host's data folder.</param>
internal sealed record TrainRequest(string Addr);

/// <summary>The <c>/fl_predict</c> body (JSON or form); <c>credit_amount</c> is accepted for <c>credit</c>.</summary>
internal sealed record PredictRequest(int Age, string Sex, int Job, string Housing, double Credit, int Duration, string Purpose, string? Saving_accounts, string? Checking_account);

/// <summary>Ready when the aggregation server answers and a trained model is available.</summary>
internal sealed class ReadinessCheck(ModelCache models) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await models.GetAsync(cancellationToken) is { } current
                ? HealthCheckResult.Healthy($"Model version {current.Model.Version} is cached.")
                : HealthCheckResult.Unhealthy("The server answers but has no trained model yet.");
        }
        catch (FederationException ex)
        {
            return HealthCheckResult.Unhealthy($"The aggregation server is unreachable: {ex.Message}");
        }
    }
}
