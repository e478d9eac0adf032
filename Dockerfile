# CondoBot: build with the .NET SDK, run on the ASP.NET Core runtime as a non-root user.
#   docker build -t condobot .
#   docker run -p 8080:8080 -v condobot-data:/data -e Clusters__condo__LoginHost=... -e Clusters__condo__HostKeySha256=SHA256:... condobot
# No secret is baked in: settings and credentials arrive as environment variables (or mounted files) at run time.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# tests/CondoBot.Host.Tests/DockerfileTests runs this exact command (with its output folder moved) in CI.
RUN dotnet publish src/CondoBot.Host/CondoBot.Host.csproj --configuration Release --nologo --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The SQLite default keeps its databases and the Data Protection key ring here; mount a volume so they outlive the
# container (with Storage__Provider=Postgres nothing is written here).
RUN mkdir /data && chown "$APP_UID" /data && chmod 700 /data
VOLUME /data
ENV Storage__DataDirectory=/data \
    ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
# The image's unprivileged user (UID 1654): the bot never needs root.
USER $APP_UID
# The runtime image has no curl; bash's /dev/tcp is enough to ask /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "CondoBot.Host.dll"]
