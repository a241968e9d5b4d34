-- wrk script: the htmx topic status change, as a learner's clicks send it.
--
--   wrk -t THREADS ... -H 'Cookie: ...' -H 'X-CSRFToken: ...' -s bench/status_post.lua URL -- THREADS PATH...
--
-- The session and CSRF cookies and the token come as -H headers. Each of the THREADS
-- wrk threads (wrk does not tell a script how many there are) takes its own share of
-- the topic PATHs and goes round them, flipping each between done and in progress:
-- every request changes a status (an upsert and an activity row), and the two
-- requests a thread has in flight never wait on the same row's lock.

local thread_count = 0

function setup(thread)
   thread:set("thread_index", thread_count)
   thread_count = thread_count + 1
end

function init(args)
   local threads = tonumber(args[1])
   paths = {}
   for i = 2, #args do
      if (i - 2) % threads == thread_index then
         table.insert(paths, args[i])
      end
   end
   if #paths == 0 then
      error("status_post.lua: fewer topic paths than wrk threads")
   end
   sent = 0
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   wrk.headers["HX-Request"] = "true"
end

function request()
   -- One round over this thread's topics marks them done, the next one in progress.
   local path = paths[sent % #paths + 1]
   local status = math.floor(sent / #paths) % 2 == 0 and "done" or "in_progress"
   sent = sent + 1
   return wrk.format(nil, path, nil, "status=" .. status)
end
