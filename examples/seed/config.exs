import Config
config :multiplexer,
  pool_size: 5,
  pool_max_overflow: 15,
# ------------------------------
  http_port: 3000,
  http_proxy_timeout: 5 * 60 * 1000,
# ------------------------------
  service_http_base_url: "http://localhost",
  service_port_range: 10300..10350,
  service_start_process_cmd: "node index.js %PORT%",
# Можно установить в :wait_first_output
# Тогда сервис будет считаться запущеным, если он
# отправил что либо в stdout, зачастую сервисы когда запускаются пишут туда порт на котором запущены
# это может быть хорошим индикатором запущенности
  service_start_delay_ms: :wait_first_output,
# Паттерн для убийства процессов, будет подставлен в строку:
# System.shell("ps aux | grep ⚠️СЮДА⚠️ | tr -s ' ' | cut -d ' ' -f 2 | xargs kill -9")
# Вызывается при старте сервиса, полезен в случае ненормального завершения процесса
  service_kill_pattern: "index.js"
